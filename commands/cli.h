// The whole command line as a function, so tests can run `orch` in process
// with an Env of their choosing (a fault-injecting one) and read its output
// and exit code. main.cc only builds the real Env and schema.
#ifndef ORCH_COMMANDS_CLI_H_
#define ORCH_COMMANDS_CLI_H_

#include <string>
#include <vector>

#include "commands/command_context.h"

namespace orch {

// Runs one command line (`args` without the program name) with `ctx`
// (env and schema set; out and err where output goes). Returns the exit
// code (docs/cli.md); errors are one line "orch: ..." on ctx.err.
int RunCli(const std::vector<std::string>& args, CommandContext& ctx);

}  // namespace orch

#endif  // ORCH_COMMANDS_CLI_H_

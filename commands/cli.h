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

// A process's whole run: the real Env (its clock pinned by ORCH_NOW), the
// schema, then RunCli. `serve` is orch-serve's store owner (nullptr in
// orch-cli, whose `orch serve` hands over to orch-serve).
int RunMain(const std::vector<std::string>& args,
            absl::Status (*serve)(const ServeOptions&, CommandContext&) = nullptr);

}  // namespace orch

#endif  // ORCH_COMMANDS_CLI_H_

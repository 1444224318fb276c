// The command line run in this process (RunCli) with a chosen Env, so a
// test can hand every verb a fault-injecting Env (killing a process cannot
// lose unsynced data; only the Env can). Shared by the fault suites.
#ifndef ORCH_TESTS_CLI_IN_PROCESS_CLI_H_
#define ORCH_TESTS_CLI_IN_PROCESS_CLI_H_

#include <sstream>
#include <string>
#include <vector>

#include "commands/cli.h"

namespace orch::testing {

struct CliResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs `orch --store STORE ARGS...` in process over `env`.
inline CliResult RunCliInProcess(Env* env, EventSchema* schema, const std::string& store,
                                 std::vector<std::string> args) {
  args.insert(args.begin(), {"--store", store});
  std::ostringstream out, err;
  CommandContext ctx;
  ctx.env = env;
  ctx.schema = schema;
  ctx.out = &out;
  ctx.err = &err;
  CliResult r;
  r.exit_code = RunCli(args, ctx);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace orch::testing

#endif  // ORCH_TESTS_CLI_IN_PROCESS_CLI_H_

// The command line run in this process (RunCli) with a chosen Env, so a
// test can hand every verb a fault-injecting Env (killing a process cannot
// lose unsynced data; only the Env can). Shared by the fault suites.
#ifndef ORCH_TESTS_CLI_IN_PROCESS_CLI_H_
#define ORCH_TESTS_CLI_IN_PROCESS_CLI_H_

#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "commands/cli.h"
#include "commands/serve.h"
#include "server/client.h"
#include "server/endpoint.h"

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

// `orch serve` of a store run in this process over an Env of the test's
// (its store opened with it, so an injected fault reaches what the server
// writes), and emits sent to it through the real client
// (server::RunOnServer, never starting a server of its own): the default
// path of an emit, with the Env seam still in reach.
class InProcessServer {
 public:
  InProcessServer(Env* env, const std::string& store) : store_(store) {
    ctx_.env = env;
    ctx_.store_flag = store;
    ctx_.out = &log_;
    ctx_.err = &log_;
    thread_ = std::thread([this] { result_ = RunServeOwner(ServeOptions{}, ctx_); });
    server::Request ping;
    ping.op = server::Op::kPing;
    for (int i = 0; i < 2000 && !server::Call(server::SocketPathFor(store_), store_, ping).ok(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  ~InProcessServer() {
    server::Request stop;
    stop.op = server::Op::kStop;
    (void)server::Call(server::SocketPathFor(store_), store_, stop);
    thread_.join();
  }

  // `orch --store STORE ARGS...` through the server; exit code -1 when no
  // server answered (the emit would have been written directly).
  CliResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--store", store_});
    std::ostringstream out, err;
    CliResult r;
    r.exit_code = server::RunOnServer(args, out, err, /*may_start_server=*/false).value_or(-1);
    r.out = out.str();
    r.err = err.str();
    return r;
  }

 private:
  std::string store_;
  std::ostringstream log_;
  CommandContext ctx_;
  absl::Status result_;
  std::thread thread_;
};

}  // namespace orch::testing

#endif  // ORCH_TESTS_CLI_IN_PROCESS_CLI_H_

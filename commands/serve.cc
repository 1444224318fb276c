// orch serve: flags, `--stop`, and the hand-over to orch-serve, which owns
// the store (commands/serve.h says why it is a binary of its own).
#include "commands/serve.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "commands/verbs.h"
#include "server/client.h"
#include "server/endpoint.h"

namespace orch {

namespace {

absl::Status Stop(const std::string& dir, const std::string& socket, CommandContext& ctx) {
  server::Request stop;
  stop.op = server::Op::kStop;
  auto answer = server::Call(socket, dir, stop);
  if (!answer.ok()) {
    *ctx.out << "no server runs for " << dir << "\n";
    return absl::OkStatus();
  }
  // Stopped once it lets go of the store.
  for (int i = 0; i < 6000 && server::ServeLockHeld(dir); ++i) ctx.env->SleepForMicros(10'000);
  *ctx.out << "stopped the server of " << dir << "\n";
  return absl::OkStatus();
}

absl::Status RunServe(const ServeOptions& o, CommandContext& ctx) {
  if (ctx.server_store != nullptr) return absl::InvalidArgumentError("a server does not start servers");
  if (o.stop) {
    ORCH_ASSIGN_OR_RETURN(std::string dir, ResolveStoreDir(ctx));
    std::error_code ec;
    dir = std::filesystem::absolute(dir, ec).lexically_normal().string();
    return Stop(dir, o.socket.empty() ? server::SocketPathFor(dir) : o.socket, ctx);
  }
  if (ctx.serve != nullptr) return ctx.serve(o, ctx);  // this is orch-serve
  // This process becomes orch-serve: same pid, same arguments, same fds.
  const std::string bin = OrchServeBinary();
  std::vector<std::string> args = {"orch-serve"};
  args.insert(args.end(), ctx.args.begin(), ctx.args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ctx.out->flush();
  ctx.err->flush();
  ::execv(bin.c_str(), argv.data());
  return absl::FailedPreconditionError(absl::StrCat("cannot run ", bin, ": ", std::strerror(errno),
                                                    " (orch serve needs orch-serve beside orch)"));
}

}  // namespace

std::string OrchServeBinary() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (self.parent_path() / "orch-serve").string();
}

void RegisterServe(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<ServeOptions> o;
  CLI::App* sub =
      AddVerb(app, "serve",
              "Hold the store open: emits from many processes, group-committed; optional live status page",
              ctx, RunServe, &o);
  sub->add_option("--socket", o->socket,
                  "Unix socket to listen on (default: <store>/serve.sock; clients: ORCH_SOCKET)");
  sub->add_option("--http", o->http,
                  "Serve the live status page and JSON on HOST:PORT (loopback unless --token)");
  sub->add_option("--token", o->token,
                  "Required on every HTTP request (Authorization: Bearer T or ?token=T)");
  sub->add_option("--idle-exit", o->idle_exit,
                  "Exit after this long without requests (e.g. 10m); default: never");
  sub->add_option("--write-ledger", o->write_ledger,
                  "Keep a ledger.json current at this path (at most once a second)");
  sub->add_flag("--stop", o->stop,
                "Stop the running server of the store (cleanly) and wait until it is gone");
  sub->add_option("--ready-fd", o->ready_fd,
                  "(internal: the fd `orch emit` waits on when it starts a server)")
      ->group("");
  sub->footer(
      "Examples:\n"
      "  orch serve --http 127.0.0.1:8080 --write-ledger .codex-orchestrator/ledger.json\n"
      "  orch serve --stop\n"
      "`orch emit` starts a server by itself when none runs (it exits after 10 minutes idle).");
}

}  // namespace orch

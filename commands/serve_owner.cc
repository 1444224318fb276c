// orch-serve's half of `orch serve`: takes ownership of the store and runs
// each client's command line as `orch` would, with the client's directory,
// environment and input (never this process's: it is threaded and shared).
// The socket loop, HTTP and the ledger writer live in server/.
#include <unistd.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/time_text.h"
#include "commands/cli.h"
#include "commands/pinned_clock.h"
#include "commands/serve.h"
#include "eventstore/posix_env.h"
#include "server/endpoint.h"
#include "server/http_frontend.h"
#include "server/server.h"

namespace orch {

namespace {

// EventSchema is not thread-safe (its FlatBuffers parser): one per
// concurrent request, kept for the next.
class SchemaPool {
 public:
  absl::StatusOr<std::unique_ptr<EventSchema>> Take() {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!free_.empty()) {
        auto s = std::move(free_.back());
        free_.pop_back();
        return s;
      }
    }
    return EventSchema::Load();
  }
  void Give(std::unique_ptr<EventSchema> s) {
    std::lock_guard<std::mutex> l(mu_);
    free_.push_back(std::move(s));
  }

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<EventSchema>> free_;
};

server::Reply Answer(int code, const std::string& out, const std::string& err) {
  server::Reply r;
  r.exit_code = code;
  r.out = out;
  r.err = err;
  return r;
}

// The verb of a command line (after global options), as the client found it.
std::string VerbOf(const std::vector<std::string>& args) {
  size_t i = 0;
  while (i < args.size() && !args[i].empty() && args[i][0] == '-') i += args[i] == "--store" ? 2 : 1;
  return i < args.size() ? args[i] : "";
}

bool Forwarded(const std::string& name) {
  for (const char* f : server::kForwardedEnvironment)
    if (name == f) return true;
  return false;
}

server::Reply RunForClient(const server::Request& req, EventWriter& store, const std::string& store_dir,
                           SchemaPool& schemas) {
  if (VerbOf(req.args) != "emit") {
    return Answer(2, "", absl::StrCat("orch: the server runs emit only, not '", VerbOf(req.args), "'\n"));
  }
  // What a verb reads of the client's environment, nothing else: a client
  // sends only these, and the server takes no more from one that sends more.
  std::map<std::string, std::string> env;
  for (const auto& [name, value] : req.env)
    if (Forwarded(name)) env[name] = value;
  CommandContext ctx;
  ctx.cwd = req.cwd;
  ctx.environment = &env;
  std::string stdin_text;
  if (req.input) {
    stdin_text = *req.input;
    ctx.stdin_text = &stdin_text;
  }
  ctx.server_store = &store;
  ctx.server_store_dir = store_dir;
  SystemEnv system;
  std::optional<PinnedClockEnv> pinned;
  auto now = ParsePinnedNow(GetEnv(ctx, "ORCH_NOW"));
  if (!now.ok())
    return Answer(ExitCodeFor(now.status()), "", absl::StrCat("orch: ", now.status().message(), "\n"));
  if (now->has_value()) pinned.emplace(**now);
  ctx.env = pinned ? static_cast<Env*>(&*pinned) : &system;
  ctx.clock_pinned = pinned.has_value();
  auto schema = schemas.Take();
  if (!schema.ok()) return Answer(1, "", absl::StrCat("orch: ", schema.status().message(), "\n"));
  ctx.schema = schema->get();
  std::ostringstream out, err;
  ctx.out = &out;
  ctx.err = &err;
  const int code = RunCli(req.args, ctx);
  schemas.Give(*std::move(schema));
  return Answer(code, out.str(), err.str());
}

}  // namespace

absl::Status RunServeOwner(const ServeOptions& o, CommandContext& ctx) {
  server::BlockShutdownSignals();  // before any thread: only the server loop sees them
  ORCH_ASSIGN_OR_RETURN(std::string dir, ResolveStoreDir(ctx));
  std::error_code ec;
  dir = std::filesystem::absolute(dir, ec).lexically_normal().string();
  const std::string socket =
      o.socket.empty() ? server::SocketPathFor(dir) : std::filesystem::absolute(o.socket, ec).string();
  server::ServerOptions so;
  so.store_dir = dir;
  so.socket_path = socket;
  so.http_bind = o.http;
  so.token = o.token;
  so.ready_fd = o.ready_fd;
  so.write_ledger = o.write_ledger.empty() ? "" : FromWorkingDir(ctx, o.write_ledger);
  if (!o.idle_exit.empty()) {
    auto idle = ParseDuration(o.idle_exit);
    if (!idle.ok() || *idle <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad --idle-exit '", o.idle_exit, "': give a duration, e.g. 10m"));
    }
    so.idle_exit = *idle;
  }
  if (!o.http.empty()) ORCH_RETURN_IF_ERROR(server::CheckHttpBind(o.http, o.token));
  if (!std::filesystem::is_directory(dir, ec)) return OpenStoreForWrite(ctx).status();  // says what is wrong

  absl::StatusOr<int> lock = server::TakeServeLock(dir);
  if (absl::IsAlreadyExists(lock.status()) && o.ready_fd >= 0) (void)!::write(o.ready_fd, "busy\n", 5);
  if (!lock.ok()) return absl::AbortedError(lock.status().message());
  auto store = OpenStoreForWrite(ctx);
  if (!store.ok()) {
    ::close(*lock);
    return store.status();
  }
  std::ostream* err = ctx.err;
  so.log = [err](const std::string& text) {
    static std::mutex mu;
    std::lock_guard<std::mutex> l(mu);
    *err << "orch serve: " << FormatRfc3339(absl::ToUnixNanos(absl::Now())) << " " << text << std::endl;
  };
  SchemaPool schemas;
  EventWriter& s = **store;
  absl::Status result = server::RunServer(
      so, s, [&](const server::Request& req) { return RunForClient(req, s, dir, schemas); });
  store->reset();  // closes the store before letting go of ownership
  ::close(*lock);
  return result;
}

}  // namespace orch

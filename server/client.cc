#include "server/client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <thread>

#include "absl/strings/str_cat.h"
#include "base/time_text.h"
#include "base/utf8.h"
#include "git/main_top_level.h"
#include "server/endpoint.h"
#include "server/frame.h"

extern char** environ;

namespace orch::server {

namespace {

namespace fs = std::filesystem;

bool EnvSaysNoServer() {
  const char* v = std::getenv("ORCH_NO_SERVER");
  return v != nullptr && *v != '\0' && std::string(v) != "0";
}

// The wait for a server to start or answer: $ORCH_LOCK_TIMEOUT as a direct
// writer would wait for the store's lock (default 60 s).
absl::Duration WaitLimit() {
  const char* v = std::getenv("ORCH_LOCK_TIMEOUT");
  if (v != nullptr && *v != '\0') {
    auto d = ParseDuration(v);
    if (d.ok()) return *d;
  }
  return absl::Seconds(60);
}

struct CommandLine {
  std::string store_flag;
  std::string verb;
  bool no_server = false;
  bool help = false;
  bool stdin_batch = false;  // --jsonl -
};

CommandLine Scan(const std::vector<std::string>& args) {
  CommandLine c;
  size_t i = 0;
  for (; i < args.size() && !args[i].empty() && args[i][0] == '-'; ++i) {
    if (args[i] == "--store" && i + 1 < args.size()) {
      c.store_flag = args[++i];
    } else if (args[i].rfind("--store=", 0) == 0) {
      c.store_flag = args[i].substr(8);
    }
  }
  if (i < args.size()) c.verb = args[i];
  for (size_t j = 0; j < args.size(); ++j) {
    const std::string& a = args[j];
    if (a == "--no-server") c.no_server = true;
    if (a == "--help" || a == "-h" || a == "--version" || a == "--help-all") c.help = true;
    if ((a == "--jsonl" && j + 1 < args.size() && args[j + 1] == "-") || a == "--jsonl=-")
      c.stdin_batch = true;
  }
  return c;
}

// The store as ResolveStoreDir (commands/store_location.cc) finds it, made
// absolute; nullopt when it cannot be found (direct mode says why).
std::optional<std::string> StoreDir(const CommandLine& c, const std::string& cwd) {
  std::string dir = c.store_flag;
  if (dir.empty()) {
    if (const char* v = std::getenv("ORCH_STORE"); v != nullptr && *v != '\0') dir = v;
  }
  if (dir.empty()) {
    auto top = git::FindMainTopLevel(cwd);
    if (!top.ok()) return std::nullopt;
    dir = (fs::path(*top) / ".orch").string();
  }
  fs::path p(dir);
  if (p.is_relative()) p = fs::path(cwd) / p;
  return p.lexically_normal().string();
}

nlohmann::json Environment() {
  nlohmann::json env = nlohmann::json::object();
  for (char** e = environ; *e != nullptr; ++e) {
    const absl::string_view kv(*e);
    const size_t eq = kv.find('=');
    if (eq == absl::string_view::npos || FirstInvalidUtf8(kv).has_value()) continue;
    env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  return env;
}

void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Sends `request` on `fd` (closed here) and reads the answer. `accepted`
// tells whether the server said it read the request.
absl::StatusOr<nlohmann::json> Exchange(int fd, const nlohmann::json& request, bool* accepted) {
  *accepted = false;
  absl::Status s = WriteFrame(fd, request.dump());
  absl::StatusOr<std::string> frame = s.ok() ? ReadFrame(fd) : absl::StatusOr<std::string>(s);
  nlohmann::json reply;
  while (frame.ok()) {
    reply = nlohmann::json::parse(*frame, nullptr, /*allow_exceptions=*/false);
    if (!reply.is_object()) {
      frame = absl::InternalError("the server sent a malformed answer");
      break;
    }
    if (!reply.contains("accepted")) break;
    *accepted = true;
    frame = ReadFrame(fd);
  }
  ::close(fd);
  if (!frame.ok()) return frame.status();
  return reply;
}

}  // namespace

std::string AutoStartIdleExit() {
  const char* v = std::getenv("ORCH_SERVE_IDLE_EXIT");
  return v != nullptr && *v != '\0' ? std::string(v) : std::string("10m");
}

absl::StatusOr<nlohmann::json> Call(const std::string& socket_path, const nlohmann::json& request) {
  absl::StatusOr<int> fd = ConnectSocket(socket_path);
  if (!fd.ok()) return fd.status();
  bool accepted = false;
  return Exchange(*fd, request, &accepted);
}

absl::Status StartServer(const std::string& store_dir, const std::string& idle_exit, absl::Duration wait) {
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) return absl::InternalError("pipe failed");
  const std::string log = (fs::path(store_dir) / kServeLogFile).string();
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(ready[0]);
    ::close(ready[1]);
    return absl::InternalError("fork failed");
  }
  if (child == 0) {
    // Detached: a session of its own, so the emitter's terminal and process
    // group (Ctrl-C, a CI job's kill) do not reach it; the intermediate
    // child exits at once so the server is nobody's child to reap.
    ::setsid();
    if (::fork() != 0) ::_exit(0);
    const int devnull = ::open("/dev/null", O_RDONLY);
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ::dup2(devnull, 0);
    ::dup2(out >= 0 ? out : devnull, 1);
    ::dup2(out >= 0 ? out : devnull, 2);
    // The server keeps nothing else of the emitter's: a descriptor the
    // emitter inherited (the write end of its caller's pipe, say) would
    // otherwise stay open as long as the server lives, and whoever waits
    // for that pipe's EOF would wait for the server's idle exit.
    if (ready[1] == 3) {
      ::fcntl(3, F_SETFD, 0);  // without O_CLOEXEC: the server writes it
    } else {
      ::dup2(ready[1], 3);
    }
    ::close_range(4, ~0U, 0);
    const std::string fd_text = "3";
    std::vector<std::string> argv = {"orch",        "serve",   "--store",    store_dir,
                                     "--idle-exit", idle_exit, "--ready-fd", fd_text};
    std::vector<char*> p;
    for (auto& a : argv) p.push_back(a.data());
    p.push_back(nullptr);
    ::execv("/proc/self/exe", p.data());
    ::_exit(127);
  }
  ::close(ready[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  std::string said;
  const absl::Time deadline = absl::Now() + wait;
  while (true) {
    pollfd pfd{ready[0], POLLIN, 0};
    const int ms = static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now())));
    const int n = ::poll(&pfd, 1, ms);
    if (n == 0) break;  // time is up
    if (n < 0 && errno == EINTR) continue;
    char buf[64];
    const ssize_t r = ::read(ready[0], buf, sizeof(buf));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    said.append(buf, static_cast<size_t>(r));
    if (said.find('\n') != std::string::npos) break;
  }
  ::close(ready[0]);
  if (said.rfind("ready", 0) == 0) return absl::OkStatus();
  if (said.rfind("busy", 0) == 0) return absl::AlreadyExistsError("another server owns the store");
  return absl::UnavailableError(absl::StrCat("the server did not start (see ", log, ")"));
}

std::optional<int> RunOnServer(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const CommandLine c = Scan(args);
  if (c.verb != "emit" || c.no_server || c.help || EnvSaysNoServer()) return std::nullopt;
  std::error_code ec;
  const std::string cwd = fs::current_path(ec).string();
  if (ec) return std::nullopt;
  const std::optional<std::string> store = StoreDir(c, cwd);
  // No store yet (a batch may create one): direct mode creates or refuses.
  if (!store || !fs::exists(fs::path(*store) / "CURRENT", ec)) return std::nullopt;

  nlohmann::json request = {
      {"op", "run"}, {"args", args}, {"cwd", cwd}, {"env", Environment()}, {"store", *store}};
  if (c.stdin_batch) {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (FirstInvalidUtf8(text).has_value()) {
      err << "orch: --jsonl input is not UTF-8 text\n";
      return 2;
    }
    request["stdin"] = std::move(text);
  }
  const std::string socket = SocketPathFor(*store);
  const absl::Duration limit = WaitLimit();
  const absl::Time deadline = absl::Now() + limit;
  int pause_ms = 1;
  while (true) {
    absl::StatusOr<int> fd = ConnectSocket(socket);
    if (fd.ok()) {
      bool accepted = false;
      absl::StatusOr<nlohmann::json> reply = Exchange(*fd, request, &accepted);
      if (reply.ok()) {
        out << reply->value("out", "");
        err << reply->value("err", "");
        out.flush();
        return reply->value("exit", 1);
      }
      if (accepted) {
        err << "orch: the server closed the connection before answering (" << reply.status().message()
            << "): the event may or may not be in the log; look with `orch replay`, or retry with "
               "--idempotency-key to make a retry safe\n";
        return 4;
      }
      // Never read: the server was stopping or died before it got to us.
    } else if (!absl::IsNotFound(fd.status()) && !absl::IsUnavailable(fd.status())) {
      return std::nullopt;  // e.g. no permission on the socket: write directly
    } else if (!ServeLockHeld(*store)) {
      // No server (a socket file left here is stale): start one.
      absl::Status started = StartServer(*store, AutoStartIdleExit(), deadline - absl::Now());
      if (!started.ok() && !absl::IsAlreadyExists(started)) return std::nullopt;
      continue;
    }
    // A server is starting or stopping: look again shortly.
    if (absl::Now() > deadline) {
      err << "orch: no server of " << *store << " answered within " << absl::FormatDuration(limit)
          << " (ORCH_LOCK_TIMEOUT); pass --no-server to write directly\n";
      return 4;
    }
    SleepMs(pause_ms);
    pause_ms = std::min(pause_ms * 2, 20);
  }
}

}  // namespace orch::server

#include "server/client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "base/limits.h"
#include "base/time_text.h"
#include "git/store_location.h"
#include "server/endpoint.h"
#include "server/frame.h"
#include "server/peer.h"
#include "server/wire.h"

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

// The front links no libgit2 (its start-up is every emit's): a layout only
// libgit2 reads is not guessed at, the command line decides it.
absl::StatusOr<std::string> TopLevelFromFiles(const std::string& start) {
  if (std::optional<std::string> top = git::MainTopLevelFromFiles(start)) return *top;
  return absl::UnimplementedError("the repository layout needs libgit2");
}

// The store as ResolveStoreDir (commands/store_location.cc) finds it, made
// absolute; nullopt when it cannot be found here (direct mode finds it or
// says why).
std::optional<std::string> StoreDir(const CommandLine& c, const std::string& cwd) {
  absl::StatusOr<std::string> dir =
      LocateStore(c.store_flag, std::getenv("ORCH_STORE"), cwd, TopLevelFromFiles);
  if (!dir.ok()) return std::nullopt;
  fs::path p(*dir);
  if (p.is_relative()) p = fs::path(cwd) / p;
  return p.lexically_normal().string();
}

// Only the variables the command line reads (wire.h says why).
std::vector<std::pair<std::string, std::string>> ForwardedEnvironment() {
  std::vector<std::pair<std::string, std::string>> env;
  for (const char* name : kForwardedEnvironment) {
    if (const char* v = std::getenv(name); v != nullptr) env.emplace_back(name, v);
  }
  return env;
}

void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Sends `request` on `fd` (closed here) and reads the answer. `accepted`
// tells whether the server said it read the request. Until then the
// server must answer within `deadline`; after it, the verb may wait for
// the store's lock, so the answer has no deadline of its own.
absl::StatusOr<Reply> Exchange(int fd, const Request& request, absl::Time deadline, bool* accepted) {
  *accepted = false;
  const absl::Status sent = WriteFrame(fd, EncodeRequest(request));
  absl::StatusOr<Reply> reply = sent.ok() ? absl::StatusOr<Reply>(Reply{}) : absl::StatusOr<Reply>(sent);
  while (sent.ok()) {
    absl::StatusOr<std::string> frame =
        ReadFrame(fd, kMaxFrameBytes, *accepted ? absl::InfiniteFuture() : deadline);
    if (!frame.ok()) {
      reply = frame.status();
      break;
    }
    reply = DecodeReply(*frame);
    if (!reply.ok() || !reply->accepted) break;
    *accepted = true;
  }
  ::close(fd);
  return reply;
}

// Reads standard input for `--jsonl -`, at most one byte over the batch
// limit: the server then refuses it with the same words as a direct emit.
absl::StatusOr<std::string> ReadInput() {
  std::string text;
  char buf[1 << 16];
  while (text.size() <= kMaxBatchInputBytes) {
    const ssize_t r = ::read(0, buf, sizeof(buf));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0)
      return absl::UnavailableError(absl::StrCat("cannot read standard input: ", std::strerror(errno)));
    if (r == 0) break;
    text.append(buf, static_cast<size_t>(r));
  }
  if (text.size() > kMaxBatchInputBytes + 1) text.resize(kMaxBatchInputBytes + 1);
  return text;
}

}  // namespace

std::string AutoStartIdleExit() {
  const char* v = std::getenv("ORCH_SERVE_IDLE_EXIT");
  return v != nullptr && *v != '\0' ? std::string(v) : std::string("10m");
}

absl::StatusOr<Reply> Call(const std::string& socket_path, const std::string& store_dir,
                           const Request& request) {
  absl::StatusOr<int> fd = ConnectSocket(socket_path);
  if (!fd.ok()) return fd.status();
  if (absl::Status peer = VerifyPeer(*fd, store_dir); !peer.ok()) {
    ::close(*fd);
    return peer;
  }
  bool accepted = false;
  return Exchange(*fd, request, absl::Now() + WaitLimit(), &accepted);
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
    const mode_t mode = StoreFileMode(store_dir);
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, mode);
    if (out >= 0) (void)::fchmod(out, mode);  // the umask does not decide a shared store's modes
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
    // Nor its environment: a long-lived process should not carry the
    // first emitter's secrets. Clients send what a verb reads (wire.h).
    std::vector<std::string> env;
    for (const char* name : {"HOME", "PATH", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR", "ORCH_SOCKET",
                             "ORCH_LOCK_TIMEOUT"}) {
      if (const char* v = std::getenv(name); v != nullptr) env.push_back(absl::StrCat(name, "=", v));
    }
    std::vector<char*> e;
    for (auto& kv : env) e.push_back(kv.data());
    e.push_back(nullptr);
    ::execve("/proc/self/exe", p.data(), e.data());
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

std::optional<int> RunOnServer(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                               bool may_start_server) {
  const CommandLine c = Scan(args);
  if (c.verb != "emit" || c.no_server || c.help || EnvSaysNoServer()) return std::nullopt;
  std::error_code ec;
  const std::string cwd = fs::current_path(ec).string();
  if (ec) return std::nullopt;
  const std::optional<std::string> store = StoreDir(c, cwd);
  // No store yet (a batch may create one): direct mode creates or refuses.
  if (!store || !fs::exists(fs::path(*store) / "CURRENT", ec)) return std::nullopt;

  Request request;
  request.args = args;
  request.cwd = cwd;
  request.env = ForwardedEnvironment();
  request.store = *store;
  if (c.stdin_batch) {
    absl::StatusOr<std::string> input = ReadInput();
    if (!input.ok()) {
      err << "orch: " << input.status().message() << "\n";
      return 2;
    }
    request.input = *std::move(input);
  }
  const std::string socket = SocketPathFor(*store);
  const absl::Duration limit = WaitLimit();
  const absl::Time deadline = absl::Now() + limit;
  int pause_ms = 1;
  while (true) {
    absl::StatusOr<int> fd = ConnectSocket(socket);
    if (fd.ok()) {
      // Nothing is sent to a listener that is not the store's server, and
      // no answer of one is believed (server/peer.h).
      if (absl::Status peer = VerifyPeer(*fd, *store); !peer.ok()) {
        ::close(*fd);
        err << "orch: not using the server socket " << socket << ": " << peer.message()
            << "; writing directly\n";
        return std::nullopt;
      }
      bool accepted = false;
      absl::StatusOr<Reply> reply = Exchange(*fd, request, deadline, &accepted);
      if (reply.ok()) {
        out << reply->out;
        err << reply->err;
        out.flush();
        return reply->exit_code;
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
      if (!may_start_server) return std::nullopt;
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

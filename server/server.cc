#include "server/server.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "server/endpoint.h"
#include "server/frame.h"
#include "server/http_frontend.h"
#include "server/ledger_writer.h"

namespace orch::server {

void HeadWatch::Set(uint64_t seq) {
  std::lock_guard<std::mutex> l(mu_);
  if (seq > seq_) {
    seq_ = seq;
    cv_.notify_all();
  }
}

uint64_t HeadWatch::WaitPast(uint64_t seen, absl::Duration timeout) {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait_for(l, absl::ToChronoNanoseconds(timeout), [&] { return seq_ > seen || closed_; });
  return seq_;
}

void HeadWatch::Close() {
  std::lock_guard<std::mutex> l(mu_);
  closed_ = true;
  cv_.notify_all();
}

bool HeadWatch::closed() const {
  std::lock_guard<std::mutex> l(mu_);
  return closed_;
}

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

namespace {

// What the connection threads share with the accept loop; shared_ptr so a
// thread finishing its last unlock never outlives it.
struct Shared {
  std::mutex mu;
  std::condition_variable idle_cv;
  int active = 0;
  absl::Time last_activity = absl::Now();
  std::atomic<bool> stop{false};
  // Connections whose request is not read yet: cut off (shutdown) when the
  // server stops, so a stalled client never delays a stop or a step-aside.
  std::set<int> reading;
  bool closing = false;  // no request starts running once set
};

void Send(int fd, const Reply& r) {
  // A client that went away gets nothing; its request's outcome is in the log.
  (void)WriteFrame(fd, EncodeReply(r));
}

Reply Failure(int code, const std::string& err) {
  Reply r;
  r.exit_code = code;
  r.err = err;
  return r;
}

// Whether two paths name one directory (a store reached through a link is
// the same store).
bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa {
  }, sb{};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

// Moves `fd` out of the reading set; false when the server is closing (the
// request is then dropped unanswered: its client retries).
bool StartRunning(Shared& shared, int fd) {
  std::lock_guard<std::mutex> l(shared.mu);
  shared.reading.erase(fd);
  return !shared.closing;
}

void Handle(int fd, const ServerOptions& o, EventWriter& store, const VerbRunner& run, HeadWatch& heads,
            const std::string& http_url, Shared& shared) {
  absl::StatusOr<std::string> frame = ReadFrame(fd, kMaxFrameBytes, absl::Now() + kRequestReadLimit);
  absl::StatusOr<Request> req = frame.ok() ? DecodeRequest(*frame) : absl::StatusOr<Request>(frame.status());
  if (!StartRunning(shared, fd)) {
    ::close(fd);
    return;
  }
  if (!req.ok()) {
    // A frame too large or malformed gets an answer; a slow or vanished
    // client does not (nobody is there to read it).
    if (frame.ok() || absl::IsInvalidArgument(frame.status())) {
      Send(fd, Failure(2, absl::StrCat("orch: the server got a malformed request: ", req.status().message(),
                                       "\n")));
    }
    ::close(fd);
    return;
  }
  switch (req->op) {
    case Op::kRun: {
      if (!SameFile(req->store, o.store_dir)) {
        Send(fd,
             Failure(2, absl::StrCat("orch: this server serves ", o.store_dir, ", not ", req->store, "\n")));
        break;
      }
      Reply accepted;
      accepted.accepted = true;
      Send(fd, accepted);
      Reply answer = run(*req);
      heads.Set(store.head().seq);
      Send(fd, answer);
      break;
    }
    case Op::kPing: {
      Reply r;
      r.pid = ::getpid();
      r.store = o.store_dir;
      r.socket = o.socket_path;
      r.http = http_url;
      Send(fd, r);
      break;
    }
    case Op::kStop: {
      shared.stop = true;
      Reply r;
      r.stopping = true;
      Send(fd, r);
      break;
    }
  }
  ::close(fd);
}

// The store directory as the server found it; gone (or replaced) means
// nobody can reach this store any more, and an auto-started server would
// otherwise idle for its whole idle time.
bool SameDirectory(const std::string& dir, const struct stat& at_start) {
  struct stat now {};
  return ::stat(dir.c_str(), &now) == 0 && now.st_ino == at_start.st_ino && now.st_dev == at_start.st_dev;
}

void Log(const ServerOptions& o, const std::string& text) {
  if (o.log) o.log(text);
}

// Accepts one connection on `listen_fd` and serves it on a thread of its
// own, unless kMaxConnections are served already (then it is closed).
void AcceptOne(int listen_fd, const ServerOptions& o, EventWriter& store, const VerbRunner& run,
               HeadWatch& heads, const std::string& http_url, const std::shared_ptr<Shared>& shared) {
  const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  bool admitted = false;
  if (fd >= 0) {
    std::lock_guard<std::mutex> l(shared->mu);
    admitted = shared->active < kMaxConnections;
    if (admitted) {
      ++shared->active;
      shared->reading.insert(fd);
      shared->last_activity = absl::Now();
    }
  }
  if (fd >= 0 && !admitted) ::close(fd);
  if (admitted) {
    std::thread([fd, &o, &store, &run, &heads, http_url, shared] {
      Handle(fd, o, store, run, heads, http_url, *shared);
      std::lock_guard<std::mutex> l(shared->mu);
      --shared->active;
      shared->last_activity = absl::Now();
      shared->idle_cv.notify_all();
    }).detach();
  }
}

// Why the server should stop now ("" while it serves on): a stop request,
// the idle time, a writer queued for the store, or (checked once a second,
// at `*next_dir_check`) its store directory gone.
std::string StopReason(const ServerOptions& o, const EventWriter& store, Shared& shared,
                       const struct stat& store_dir_at_start, absl::Time* next_dir_check) {
  std::string reason;
  if (shared.stop) reason = "a stop request";
  {
    std::lock_guard<std::mutex> l(shared.mu);
    if (shared.active == 0 && absl::Now() - shared.last_activity >= o.idle_exit) {
      reason = absl::StrCat("no request for ", absl::FormatDuration(o.idle_exit));
    }
  }
  if (reason.empty() && store.OtherWriterWaiting()) reason = "another writer queued for the store";
  if (reason.empty() && absl::Now() >= *next_dir_check) {
    if (!SameDirectory(o.store_dir, store_dir_at_start)) reason = "the store directory was removed";
    *next_dir_check = absl::Now() + absl::Seconds(1);
  }
  return reason;
}

// Stops accepting: new clients find no socket (and start a new server,
// which waits for our locks); connections not yet accepted are reset
// unread, and their clients retry. The socket file is removed only while
// it is still ours (`mine`).
void StopAccepting(const ServerOptions& o, int listen_fd, const struct stat& mine, Shared& shared) {
  struct stat now {};
  if (::stat(o.socket_path.c_str(), &now) == 0 && now.st_ino == mine.st_ino && now.st_dev == mine.st_dev) {
    ::unlink(o.socket_path.c_str());
  }
  ::close(listen_fd);
  // Connections still sending their request are cut off (their clients
  // were never told "accepted" and retry); every request already read
  // finishes and is answered.
  std::unique_lock<std::mutex> l(shared.mu);
  shared.closing = true;
  for (int fd : shared.reading) ::shutdown(fd, SHUT_RDWR);
  shared.idle_cv.wait(l, [&] { return shared.active == 0; });
}

}  // namespace

absl::Status RunServer(const ServerOptions& o, EventWriter& store, const VerbRunner& run) {
  absl::StatusOr<int> listening = ListenSocket(o.socket_path, 512, StoreFileMode(o.store_dir));
  if (!listening.ok()) return listening.status();
  const int listen_fd = *listening;
  struct stat mine {};
  ::stat(o.socket_path.c_str(), &mine);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  const int signal_fd = ::signalfd(-1, &signals, SFD_CLOEXEC);

  HeadWatch heads;
  heads.Set(store.head().seq);
  std::unique_ptr<HttpFrontend> http;
  std::string http_url;
  if (!o.http_bind.empty()) {
    auto started = HttpFrontend::Start(o.http_bind, o.token, store, heads);
    if (!started.ok()) {
      ::close(listen_fd);
      ::unlink(o.socket_path.c_str());
      if (signal_fd >= 0) ::close(signal_fd);
      return started.status();
    }
    http = *std::move(started);
    http_url = http->url();
    Log(o, absl::StrCat("live status page at ", http_url, "/"));
  }
  std::unique_ptr<LedgerWriter> ledger;
  if (!o.write_ledger.empty()) ledger = std::make_unique<LedgerWriter>(o.write_ledger, store, heads, o.log);

  if (o.ready_fd >= 0) {
    (void)!::write(o.ready_fd, "ready\n", 6);
    ::close(o.ready_fd);
  }
  Log(o, absl::StrCat("serving ", o.store_dir, " on ", o.socket_path, " (pid ", ::getpid(), ")"));

  auto shared = std::make_shared<Shared>();
  struct stat store_dir_at_start {};
  ::stat(o.store_dir.c_str(), &store_dir_at_start);
  absl::Time next_dir_check = absl::Now() + absl::Seconds(1);
  std::string reason;
  while (reason.empty()) {
    pollfd fds[2] = {{listen_fd, POLLIN, 0}, {signal_fd, POLLIN, 0}};
    const int n = ::poll(fds, signal_fd >= 0 ? 2 : 1, 100);
    if (n > 0 && (fds[1].revents & POLLIN)) {
      reason = "a signal";
      break;
    }
    if (n > 0 && (fds[0].revents & POLLIN)) AcceptOne(listen_fd, o, store, run, heads, http_url, shared);
    reason = StopReason(o, store, *shared, store_dir_at_start, &next_dir_check);
  }
  StopAccepting(o, listen_fd, mine, *shared);
  heads.Close();
  if (http) http->Stop();
  ledger.reset();  // writes the final ledger
  if (signal_fd >= 0) ::close(signal_fd);
  Log(o, absl::StrCat("stopped (", reason, ")"));
  return absl::OkStatus();
}

}  // namespace orch::server

#include "server/server.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
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
};

void Reply(int fd, const nlohmann::json& j) {
  // A client that went away gets nothing; its request's outcome is in the log.
  (void)WriteFrame(fd, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Handle(int fd, const ServerOptions& o, EventStore& store, const VerbRunner& run, HeadWatch& heads,
            const std::string& http_url, Shared& shared) {
  absl::StatusOr<std::string> frame = ReadFrame(fd);
  if (frame.ok()) {
    nlohmann::json req = nlohmann::json::parse(*frame, nullptr, /*allow_exceptions=*/false);
    const std::string op = req.is_object() && req.contains("op") && req["op"].is_string() ? req["op"] : "";
    if (op == "run") {
      Reply(fd, {{"accepted", true}});
      nlohmann::json answer = run(req);
      heads.Set(store.head().seq);
      Reply(fd, answer);
    } else if (op == "ping") {
      Reply(fd, {{"pid", ::getpid()}, {"store", o.store_dir}, {"socket", o.socket_path}, {"http", http_url}});
    } else if (op == "stop") {
      shared.stop = true;
      Reply(fd, {{"stopping", true}});
    } else {
      Reply(fd, {{"exit", 2}, {"out", ""}, {"err", "orch: the server got a malformed request\n"}});
    }
  }
  ::close(fd);
}

void Log(const ServerOptions& o, const std::string& text) {
  if (o.log) o.log(text);
}

}  // namespace

absl::Status RunServer(const ServerOptions& o, EventStore& store, const VerbRunner& run) {
  absl::StatusOr<int> listening = ListenSocket(o.socket_path, 512);
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
  std::string reason;
  while (reason.empty()) {
    pollfd fds[2] = {{listen_fd, POLLIN, 0}, {signal_fd, POLLIN, 0}};
    const int n = ::poll(fds, signal_fd >= 0 ? 2 : 1, 100);
    if (n > 0 && (fds[1].revents & POLLIN)) {
      reason = "a signal";
      break;
    }
    if (n > 0 && (fds[0].revents & POLLIN)) {
      const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        {
          std::lock_guard<std::mutex> l(shared->mu);
          ++shared->active;
          shared->last_activity = absl::Now();
        }
        std::thread([fd, &o, &store, &run, &heads, http_url, shared] {
          Handle(fd, o, store, run, heads, http_url, *shared);
          std::lock_guard<std::mutex> l(shared->mu);
          --shared->active;
          shared->last_activity = absl::Now();
          shared->idle_cv.notify_all();
        }).detach();
      }
    }
    if (shared->stop) reason = "a stop request";
    {
      std::lock_guard<std::mutex> l(shared->mu);
      if (shared->active == 0 && absl::Now() - shared->last_activity >= o.idle_exit) {
        reason = absl::StrCat("no request for ", absl::FormatDuration(o.idle_exit));
      }
    }
    if (reason.empty() && store.OtherWriterWaiting()) reason = "another writer queued for the store";
  }

  // Stop accepting: new clients find no socket (and start a new server,
  // which waits for our locks); connections not yet accepted are reset
  // unread, and their clients retry.
  struct stat now {};
  if (::stat(o.socket_path.c_str(), &now) == 0 && now.st_ino == mine.st_ino && now.st_dev == mine.st_dev) {
    ::unlink(o.socket_path.c_str());
  }
  ::close(listen_fd);
  {
    // Every request already read finishes and is answered.
    std::unique_lock<std::mutex> l(shared->mu);
    shared->idle_cv.wait(l, [&] { return shared->active == 0; });
  }
  heads.Close();
  if (http) http->Stop();
  ledger.reset();  // writes the final ledger
  if (signal_fd >= 0) ::close(signal_fd);
  Log(o, absl::StrCat("stopped (", reason, ")"));
  return absl::OkStatus();
}

}  // namespace orch::server

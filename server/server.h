// The long-lived owner of a store: `orch serve`. Holds the store open and
// answers clients on a unix socket (server/client.h has the protocol); the
// verbs themselves run in the caller's VerbRunner (commands/serve.cc), on
// one thread per connection, so concurrent emits meet in the store's group
// commit (EventWriter::Append).
//
// It stops cleanly (stops accepting, cuts off connections whose request is
// not read yet, lets every request it read finish and answer, then returns
// so the caller closes the store) on SIGINT/SIGTERM, on a "stop" request,
// after `idle_exit` without requests, when the store directory is removed,
// and when another process queues for the store's writer lock (a direct
// writer such as `orch recover` or `orch lane`: the server steps aside;
// the next emit starts a new one, which queues behind it).
#ifndef ORCH_SERVER_SERVER_H_
#define ORCH_SERVER_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "server/wire.h"

namespace orch::server {

struct ServerOptions {
  std::string store_dir;    // absolute
  std::string socket_path;  // absolute
  absl::Duration idle_exit = absl::InfiniteDuration();
  // Written "ready\n" once the socket listens, then closed (auto-start).
  int ready_fd = -1;
  std::string http_bind;     // host:port; empty: no HTTP (server/http_frontend.h)
  std::string token;         // required on every HTTP request when not empty
  std::string write_ledger;  // a ledger.json kept current; empty: none
  // One-line notes (started, stepping aside, ...); may be null.
  std::function<void(const std::string&)> log;
};

// A run request in, its exit code and output out. Called on many threads
// at once.
using VerbRunner = std::function<Reply(const Request& request)>;

// How long a client has to send its whole request once connected: a
// client that stalls is cut off, never waited for (it holds nobody up,
// but a stop or a step-aside must not wait for it either).
inline constexpr absl::Duration kRequestReadLimit = absl::Seconds(10);
// Connections served at once; one more is closed unread (its client
// retries, as when a server is stopping).
inline constexpr int kMaxConnections = 256;

// Wakes those who wait for the log to grow (live page, ledger writer).
class HeadWatch {
 public:
  void Set(uint64_t seq);
  // Waits until the head passes `seen` or `timeout` passes or Close();
  // returns the head.
  uint64_t WaitPast(uint64_t seen, absl::Duration timeout);
  void Close();
  bool closed() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t seq_ = 0;
  bool closed_ = false;
};

// Blocks SIGINT and SIGTERM in the calling thread (and the threads it
// starts afterwards): call first thing in main's serve path, before any
// thread exists, so only Run's wait sees them.
void BlockShutdownSignals();

// Serves until a shutdown reason (above). `store` (not owned) must stay
// open until Run returns. InvalidArgument / Unavailable when the socket or
// the HTTP address cannot be used.
absl::Status RunServer(const ServerOptions& options, EventWriter& store, const VerbRunner& run);

}  // namespace orch::server

#endif  // ORCH_SERVER_SERVER_H_

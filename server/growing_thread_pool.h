// The HTTP front's task queue: a thread per busy connection, up to a cap.
//
// cpp-httplib runs each connection on one task-queue thread for as long as
// the connection lives, a stream included. Its own ThreadPool has a fixed
// size, so a few dozen open streams or slow clients leave nothing for
// /healthz. This queue starts a new thread whenever no idle one is waiting
// (up to `max_threads`; beyond that connections wait their turn) and lets a
// thread that has been idle for `idle_exit` go, so a burst does not stay
// resident. What bounds how long a connection can hold its thread is
// HttpConnections (the header deadline) and the stream cap.
#ifndef ORCH_SERVER_GROWING_THREAD_POOL_H_
#define ORCH_SERVER_GROWING_THREAD_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

#include "absl/time/time.h"
#include "httplib.h"

namespace orch::server {

class GrowingThreadPool : public httplib::TaskQueue {
 public:
  GrowingThreadPool(size_t max_threads, absl::Duration idle_exit);
  ~GrowingThreadPool() override;

  void enqueue(std::function<void()> fn) override;
  // Runs what is queued, then waits for every thread to finish.
  void shutdown() override;

 private:
  void Work();

  const size_t max_threads_;
  const absl::Duration idle_exit_;
  std::mutex mu_;
  std::condition_variable work_;
  std::condition_variable all_done_;
  std::deque<std::function<void()>> jobs_;
  size_t threads_ = 0;
  size_t idle_ = 0;
  bool shutdown_ = false;
};

}  // namespace orch::server

#endif  // ORCH_SERVER_GROWING_THREAD_POOL_H_

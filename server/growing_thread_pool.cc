#include "server/growing_thread_pool.h"

#include <thread>

namespace orch::server {

GrowingThreadPool::GrowingThreadPool(size_t max_threads, absl::Duration idle_exit)
    : max_threads_(max_threads), idle_exit_(idle_exit) {}

GrowingThreadPool::~GrowingThreadPool() { shutdown(); }

void GrowingThreadPool::enqueue(std::function<void()> fn) {
  std::lock_guard<std::mutex> l(mu_);
  jobs_.push_back(std::move(fn));
  if (idle_ < jobs_.size() && threads_ < max_threads_) {
    ++threads_;
    // Detached: shutdown() waits on the count, so a thread that retires
    // while idle needs no join.
    std::thread([this] { Work(); }).detach();
  }
  work_.notify_one();
}

void GrowingThreadPool::shutdown() {
  std::unique_lock<std::mutex> l(mu_);
  shutdown_ = true;
  work_.notify_all();
  all_done_.wait(l, [this] { return threads_ == 0; });
}

void GrowingThreadPool::Work() {
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    ++idle_;
    const bool woke =
        work_.wait_for(l, absl::ToChronoSeconds(idle_exit_), [this] { return !jobs_.empty() || shutdown_; });
    --idle_;
    if (jobs_.empty() && (shutdown_ || !woke)) break;
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    l.unlock();
    job();
    job = nullptr;  // what the job holds (a stream's slot) goes now
    l.lock();
  }
  --threads_;
  all_done_.notify_all();
}

}  // namespace orch::server

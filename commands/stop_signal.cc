#include "commands/stop_signal.h"

#include <atomic>
#include <cassert>
#include <csignal>

namespace orch {

namespace {

volatile std::sig_atomic_t stop_requested = 0;
std::atomic<bool> installed{false};

void OnStop(int) { stop_requested = 1; }

}  // namespace

StopSignal::StopSignal() {
  const bool was_installed = installed.exchange(true);
  assert(!was_installed && "one StopSignal at a time");
  (void)was_installed;
  stop_requested = 0;
  struct sigaction sa = {};
  sa.sa_handler = OnStop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

StopSignal::~StopSignal() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
  stop_requested = 0;
  installed = false;
}

bool StopSignal::requested() const { return stop_requested != 0; }

}  // namespace orch

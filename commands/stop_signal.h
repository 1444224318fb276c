// StopSignal: SIGINT and SIGTERM ask a long-running verb (replay --follow,
// watch) to stop cleanly instead of killing it mid-write.
#ifndef ORCH_COMMANDS_STOP_SIGNAL_H_
#define ORCH_COMMANDS_STOP_SIGNAL_H_

#include <signal.h>

namespace orch {

// Installs the handlers for its lifetime and restores the previous ones on
// destruction. One at a time per process (a second is a programming error:
// the flag is process-wide because a signal handler can only reach static
// storage). Not thread-safe to construct; requested() may be polled from
// any thread.
class StopSignal {
 public:
  StopSignal();
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  // True once SIGINT or SIGTERM arrived after construction.
  bool requested() const;

 private:
  struct sigaction old_int_ = {};
  struct sigaction old_term_ = {};
};

}  // namespace orch

#endif  // ORCH_COMMANDS_STOP_SIGNAL_H_

// AppendGuard: the hook through which rules outside the store (the
// lifecycle rules of projections/) check a batch under the append lock,
// and the rows a guard keeps for itself beside the log (guard_rows.h).
#ifndef ORCH_EVENTSTORE_APPEND_GUARD_H_
#define ORCH_EVENTSTORE_APPEND_GUARD_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"
#include "eventstore/logged_event.h"

namespace orch {

// What an AppendGuard decided about a batch.
struct GuardOutcome {
  // One per pending event: "" when the step is legal; otherwise the text is
  // stored with the event as its anomaly.
  std::vector<std::string> anomalies;
  // Rows the guard keeps for itself (key -> value), written in the same
  // atomic batch as the events: a summary it can start from next time
  // instead of re-reading history. Read back with GuardRows::Get (guard_rows.h).
  std::vector<std::pair<std::string, std::string>> state;
};

// Checks a batch against what the log already holds, under the append lock,
// so nothing can slip in between check and write (lifecycle rules live in
// projections/ and plug in here). An error refuses the whole batch.
class AppendGuard {
 public:
  virtual ~AppendGuard() = default;
  virtual absl::StatusOr<GuardOutcome> Check(const EventStore& store,
                                             const std::vector<LoggedEvent>& pending) = 0;
  // Whether this guard's Check of a batch depends on a task-less event of
  // `type` that another caller appends (e.g. a project-level event that
  // changes every task). The store commits concurrent batches in one group
  // only when no check depends on another's events (see Append); true, the
  // default, is always safe.
  virtual bool ReadsProjectEvent(EventType type) const { return true; }
  // Whether this guard's Check of an event of `type` reads the whole log
  // (other tasks, project settings): a batch holding one is then checked
  // in a group of its own, after everything queued before it is written.
  virtual bool ReadsWholeLog(EventType type) const { return false; }
};

}  // namespace orch

#endif  // ORCH_EVENTSTORE_APPEND_GUARD_H_

// LifecycleGuard: enforces the task state machine at append time.
//
// Plugs into EventStore::Append, so the check and the write happen under
// the same lock. An impossible step is refused (Aborted; NotFound for an
// unknown task) unless the event's claim is `observed`: then it is recorded
// with the problem as its anomaly.
#ifndef ORCH_PROJECTIONS_LIFECYCLE_GUARD_H_
#define ORCH_PROJECTIONS_LIFECYCLE_GUARD_H_

#include "eventstore/event_store.h"

namespace orch {

class LifecycleGuard : public AppendGuard {
 public:
  absl::StatusOr<std::vector<std::string>> Check(const EventStore& store,
                                                 const std::vector<LoggedEvent>& pending) override;
};

// The lifecycle of `task` folded from the store (its events only, through
// the task index).
absl::StatusOr<struct TaskLifecycle> FoldTaskLifecycle(const EventStore& store, const std::string& task);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_LIFECYCLE_GUARD_H_

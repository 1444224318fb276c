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

// Keeps each task's folded lifecycle as a guard state row, so checking an
// emit reads only the task's events since its previous one.
class LifecycleGuard : public AppendGuard {
 public:
  absl::StatusOr<GuardOutcome> Check(const EventStore& store,
                                     const std::vector<LoggedEvent>& pending) override;
};

// The lifecycle of `task` folded from the store from scratch (its events
// only, through the task index; no state rows).
absl::StatusOr<struct TaskLifecycle> FoldTaskLifecycle(const EventStore& store, const std::string& task);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_LIFECYCLE_GUARD_H_

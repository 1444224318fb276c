// LifecycleGuard: enforces the task fold's rules (task_fold.h) at append
// time.
//
// Plugs into EventWriter::Append, so the check and the write happen under
// the same lock. An impossible step is refused (Aborted; NotFound for an
// unknown task) unless the event's claim is `observed`: then it is recorded
// with the problem as its anomaly. The time rules live here too:
//   - an event dated more than kFutureAllowance after the clock is refused
//     (InvalidArgument), observed or not: nothing is observed in the future;
//   - an event dated before its task's previous event is an impossible step
//     (CheckStep), refused unless observed.
#ifndef ORCH_PROJECTIONS_LIFECYCLE_GUARD_H_
#define ORCH_PROJECTIONS_LIFECYCLE_GUARD_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "eventstore/append_guard.h"
#include "eventstore/env.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "projections/task_facts.h"

namespace orch {

// How far after the clock an event may be dated (clock skew between the
// machines of a loop, a slow `--at` typed by hand).
inline constexpr absl::Duration kFutureAllowance = absl::Minutes(5);

// Keeps each task's folded facts as a guard state row (bound to the chain by
// the store), so checking an emit reads only the task's events since the
// batch that wrote the row.
class LifecycleGuard : public AppendGuard {
 public:
  // `clock` (not owned, must outlive the guard) dates "now" for the future
  // rule.
  explicit LifecycleGuard(Env* clock) : clock_(clock) {}

  absl::StatusOr<GuardOutcome> Check(const EventStore& store,
                                     const std::vector<LoggedEvent>& pending) override;
  // Only task-less movers (a project-level pushed) change a task's facts.
  bool ReadsProjectEvent(EventType type) const override;

 private:
  Env* clock_;
};

// The guard state key of a task's row, and the task of a key ("" when the
// key is not a task row).
std::string GuardRowKey(const std::string& task);
std::string TaskOfGuardRowKey(absl::string_view key);

// A task's row: its facts after every event up to `seq` (the last event of
// the batch that wrote it, task-less movers included).
struct GuardRow {
  uint64_t seq = 0;
  TaskFacts facts;
};
std::string EncodeGuardRow(const GuardRow& row);
// DataLoss or FailedPrecondition (another codec version) when unusable.
absl::StatusOr<GuardRow> DecodeGuardRow(absl::string_view bytes);

// What the guard starts from when it checks an event of `task`: its row
// when the store has a usable one, folded forward through the log (a row is
// only a hint: events appended without the guard are folded in too);
// otherwise the task folded from the start. Errors are the store's.
absl::StatusOr<TaskFacts> GuardView(const EventStore& store, const std::string& task);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_LIFECYCLE_GUARD_H_

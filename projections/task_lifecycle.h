// The task state machine of the design brief, as a pure function of events.
//
//   pending-setup -> active -> completed-unreviewed -> reviewing -> accepted
//     -> merged -> pushed -> cleaned
//   side states: rejected, blocked, stale-needs-inspection, cleanup-needed,
//   abandoned.
//
// TransitionProblem says whether an asserted step is legal; Apply moves the
// state. They are separate because an observed fact is applied even when it
// is impossible (it happened), and the problem is kept as an anomaly.
#ifndef ORCH_PROJECTIONS_TASK_LIFECYCLE_H_
#define ORCH_PROJECTIONS_TASK_LIFECYCLE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "events_generated.h"

namespace orch {

enum class TaskState {
  kUnknown,  // no event yet
  kPendingSetup,
  kActive,
  kCompletedUnreviewed,
  kReviewing,
  kAccepted,
  kMerged,
  kPushed,
  kCleaned,
  kRejected,
  kBlocked,
  kStaleNeedsInspection,
  kCleanupNeeded,
  kAbandoned,
};

// "completed-unreviewed"
absl::string_view TaskStateName(TaskState s);
// Terminal: nothing more is expected of the task.
bool IsTerminal(TaskState s);

struct TaskLifecycle {
  TaskState state = TaskState::kUnknown;
  TaskState before_block = TaskState::kUnknown;  // where unblocked returns to
  int strongest_passing_gate = 0;                // EvidenceRank of the best passing gate
};

// Does this event need a task id / forbid one?
bool RequiresTask(schema::Payload type);
bool ForbidsTask(schema::Payload type);

enum class Problem { kNone, kUnknownTask, kImpossible };

struct StepCheck {
  Problem problem = Problem::kNone;
  std::string reason;  // one line, names the task state and the event
};

// Is `event` a legal next step for a task in `t`? Observed facts
// (inspected, drift-detected, heartbeat-missed) are always legal.
StepCheck CheckStep(const TaskLifecycle& t, const schema::Event& event);

// Applies `event` to `t` (legal or not).
void ApplyStep(TaskLifecycle* t, const schema::Event& event);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_TASK_LIFECYCLE_H_

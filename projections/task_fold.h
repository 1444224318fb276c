// The one task fold: the state machine of the design brief and every other
// per-task fact (task_facts.h), as pure functions of the log.
//
// CheckStep says whether an event is a legal next step; ApplyEvent moves
// the facts. They are separate because an observed fact is applied even
// when it is impossible (it happened), and the problem is kept as an
// anomaly. The append guard (lifecycle_guard.h), the projections
// (project_fold.h: TaskModel::facts) and the git readers
// (git/task_git_facts.h) all fold with these and nothing else, so they
// cannot disagree.
//
// Task-less events that move tasks: a `pushed` without a task means the
// integration branch reached the remote, and every task then merged becomes
// pushed. ApplyEvent handles it like a task's own event; the per-task
// loader (LoadTaskFacts) reads such events through the type index, so
// folding one task gives exactly what folding the whole log gives.
#ifndef ORCH_PROJECTIONS_TASK_FOLD_H_
#define ORCH_PROJECTIONS_TASK_FOLD_H_

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"
#include "eventstore/logged_event.h"
#include "projections/task_facts.h"

namespace orch {

// Actors of the events orch records itself from git: an `inspected` event
// counts only when one of them observed it (CountsAsInspection).
inline constexpr char kInspectActor[] = "orch inspect";
inline constexpr char kObserveActor[] = "orch observe";

// Imported history: what `orch import` brings over from the predecessor
// (codex-orchestrator), dated when the predecessor recorded it. Such an
// event has actor kImportActor and an idempotency key starting with
// kImportKeyPrefix. A step the predecessor took that our lifecycle forbids
// is imported as an observed fact (the guard records it with its anomaly
// text, and `orch replay` shows that text); the project fold does not count
// it as an anomaly of the night, since it happened under another tool and
// its note says so. WARNING: the marker is a convention, not a proof:
// anyone who can emit can write it, and the log keeps the anomaly either way.
inline constexpr char kImportActor[] = "importer";
inline constexpr char kImportKeyPrefix[] = "import/";
bool IsImportedHistory(const schema::Event& event);

// Does this event need a task id / forbid one?
bool RequiresTask(EventType type);
bool ForbidsTask(EventType type);

// May an event of this type concern a task the log does not know yet (and
// so start its facts)? dispatched, every type that requires a task, and a
// pushed naming a task. Other events naming an unknown task (a note, a
// drift report) leave it unknown.
bool TouchesUnknownTask(EventType type);

// Types of the task-less events that move tasks (a project-level pushed).
const std::vector<EventType>& TasklessMoverTypes();

// An `inspected` event counts (sets the inspection facts, may move the
// task) only when orch itself observed it: claim observed and actor
// kInspectActor or kObserveActor. Anything else is a claim.
bool CountsAsInspection(const schema::Event& event);

enum class Problem { kNone, kUnknownTask, kImpossible };

struct StepCheck {
  Problem problem = Problem::kNone;
  std::string reason;  // one line, names the task state and the event
};

// Is `e` a legal next step for a task whose facts are `t`? Covers the state
// machine, evidence overclaims, cleaning that could lose work and events
// dated before the task's previous one. Observed facts (inspected,
// drift-detected) are legal in any state (but not out of time order).
// Events without a task are always legal here.
StepCheck CheckStep(const TaskFacts& t, const LoggedEvent& e);

// The state rules alone (no time order) for an event not yet in the log,
// e.g. one a verb is about to append: "" when `e` may follow `t`, else the
// one-line reason CheckStep would give. A verb lists it with its own
// refusals; the guard still decides at append time.
std::string StateProblemFor(const TaskFacts& t, const schema::Event& e);

// Applies `e` (legal or not) to `t`. `e` is one of the task's own events or
// a task-less event (which moves `t` only when it is a mover that applies).
// Returns false when `e` changed nothing of `t`: a project-level event, a
// mover that does not apply, or an event that leaves an unknown task
// unknown (see TouchesUnknownTask).
bool ApplyEvent(TaskFacts* t, const LoggedEvent& e);

// The whole-log fold: every task's facts. Events must come in increasing
// sequence order. No I/O; not thread-safe.
class TaskFold {
 public:
  void Apply(const LoggedEvent& e);
  // Tasks the log knows (TouchesUnknownTask), by id.
  const std::map<std::string, TaskFacts>& tasks() const { return tasks_; }
  // nullptr when the log does not know the task.
  const TaskFacts* Find(const std::string& task) const;

 private:
  std::map<std::string, TaskFacts> tasks_;
};

// The per-task loader: folds into `*facts` the events of `task` (task index)
// and the task-less movers (type index) with seq in [from_seq, to_seq], in
// sequence order. `*facts` must hold the task's facts as of from_seq - 1.
// Errors are the store's.
absl::Status FoldTaskEvents(const EventStore& store, const std::string& task, uint64_t from_seq,
                            uint64_t to_seq, TaskFacts* facts);

// The facts of `task` folded from the start up to `to_seq`.
absl::StatusOr<TaskFacts> LoadTaskFacts(const EventStore& store, const std::string& task,
                                        uint64_t to_seq = std::numeric_limits<uint64_t>::max());

}  // namespace orch

#endif  // ORCH_PROJECTIONS_TASK_FOLD_H_

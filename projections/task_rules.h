// The rules every reader of a task asks, each decided here and nowhere else.
//
// They used to be written out wherever they were needed: "in flight" in
// four files, "is this label backed by a passing gate" in four, "needs a
// human" in four, the next step per state in two. The copies drifted (the
// ledger's needsHuman said no where the status page said a person must
// look), so a caller now asks one of these by name. docs/ARCHITECTURE.md
// ("Where each rule lives") lists them with their callers.
//
// The first group reads the one task fold's facts (task_facts.h) and is
// used by the fold itself; the second reads the project fold's TaskModel,
// which adds what only the pages know (the blocked event's needs_human,
// the dirt last observed). Pure functions; thread-compatible.
#ifndef ORCH_PROJECTIONS_TASK_RULES_H_
#define ORCH_PROJECTIONS_TASK_RULES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "projections/project_model.h"
#include "projections/task_facts.h"

namespace orch {

// --- On the task fold's facts ---

// A worker holds the task: pending-setup, active or stale-needs-inspection.
// An in-flight task takes a slot (pending setups count), reserves its write
// set, keeps its id from being dispatched again, and is what the watchdog
// measures for stalls.
bool IsInFlight(TaskState s);
bool IsInFlight(const TaskFacts& f);

// Is evidence `label` backed for this task: a label on the ladder
// (schema/event_schema.h EvidenceRank) no stronger than the strongest
// passing gate recorded for it. "" and labels off the ladder are never
// backed. A review's label counts only when this holds (task_fold.h), and
// acceptance refuses a label it does not (acceptance.h, orch review).
bool Backs(const TaskFacts& f, absl::string_view label);

// Does a project-level `pushed` (no task: the integration branch reached
// the remote) move this task to pushed? Exactly when it is merged and not
// yet pushed. The task fold applies it; `emit pushed --from-git` checks the
// remote holds the merge of exactly these tasks.
bool MovedByProjectPush(const TaskFacts& f);

// Do uncommitted changes in the task's worktree matter now? While a worker
// runs it or says it is done (active, stale-needs-inspection,
// completed-unreviewed, reviewing): work left uncommitted there is work a
// review would not see. `orch observe` reports them as worktree-dirty
// drift, and NeedsHuman names them.
bool DirtCounts(TaskState s);

// --- On the project fold's TaskModel ---

// Why a person must look at the task now, one line each, in this order: it
// is blocked asking for a person (a failed setup too: the line is the
// blocked reason), its worktree holds uncommitted changes that count
// (DirtCounts), its latest inspection touched forbidden paths while it is
// unfinished. Empty: nothing asks for a person. Status's "needs a human",
// the ledger's needsHuman and `orch context`'s risks all read this.
std::vector<std::string> NeedsHumanReasons(const TaskModel& t);
bool NeedsHuman(const TaskModel& t);

// What moves a task on from its state.
struct NextStep {
  // What the task waits for, as `orch context` shows it: "review", "merge",
  // "the worker (a commit, then completed)", "nothing" once finished.
  std::string waits_for;
  // The loop's own step, when it owes one that no rule of the next action
  // already names (`orch next`'s follow-ups): "merge", "push", "clean up",
  // "inspect", "redo or abandon"; "" when the task waits for someone else
  // (a worker, a reviewer, a person) or for nothing.
  std::string follow_up;
  // Why, shown in parentheses after the follow-up: "merged, not pushed".
  std::string because;
};
// `m` gives the project's settings the step depends on: the push policy
// (never: a merged task is cleaned up, not pushed) and the integration
// checkout (a merge waits until it is clean).
NextStep NextStepFor(const TaskModel& t, const ProjectModel& m);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_TASK_RULES_H_

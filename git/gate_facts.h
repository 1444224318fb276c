// What the gates (projections/event_gates.h) read of git for one task,
// now: the task branch's head, the paths and whitespace errors of its diff
// from the base (`orch review`'s acceptance report), whether its worktree
// and branch still exist and whether the branch is contained in the
// integration branch (a clean-up that loses no work). Read before an
// append, outside the store's lock: git is not the log.
#ifndef ORCH_GIT_GATE_FACTS_H_
#define ORCH_GIT_GATE_FACTS_H_

#include "absl/status/statusor.h"
#include "git/repo_snapshot.h"
#include "projections/event_gates.h"
#include "projections/task_facts.h"

namespace orch::git {

// `project`: the project's repository, or the error opening it (the facts
// then carry it as their problem: a live acceptance or clean-up cannot be
// proven without git). Problems reading one fact become the facts' (an
// unknown head refuses acceptance), never errors.
GateGitFacts ReadGateFacts(const absl::StatusOr<ProjectRepo>& project, const TaskFacts& task);

}  // namespace orch::git

#endif  // ORCH_GIT_GATE_FACTS_H_

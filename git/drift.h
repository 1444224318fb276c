// Drift: where the log and the repository disagree, and the observed events
// that would make the log catch up.
//
// Kinds (DriftDetected.kind):
//   worktree-missing      a task that should have a worktree has none on disk
//   completed-unreported  a clean worktree with commits beyond the base while
//                         the task is still active (-> inspected event, which
//                         the lifecycle folds to completed-unreviewed)
//   merged-unrecorded     the task branch is in the integration branch but
//                         the log has no merged event (-> observed merged)
//   pushed-unrecorded     a merged task's commit is on the remote-tracking
//                         branch but the log has no pushed event (-> pushed)
//   left-behind           worktree or branch still present after cleaned
//                         (the lifecycle folds it to cleanup-needed)
//   not-pushed            integration branch ahead of its remote (project)
//   integration-dirty     the main checkout has uncommitted changes (project)
//   integration-clean     the main checkout is clean again after a recorded
//                         integration-dirty (project)
//   worktree-dirty        uncommitted changes in the worktree of an active,
//                         stale or completed (unreviewed, in review) task
//   setup-unreported      a pending setup's branch is checked out in a
//                         registered worktree (-> observed worktree-ready:
//                         the task becomes active)
//   setup-overdue         a pending setup with no worktree on its branch,
//                         waiting longer than its allowance (settings
//                         --setup-allowance-seconds, default 10m)
#ifndef ORCH_GIT_DRIFT_H_
#define ORCH_GIT_DRIFT_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "git/repo_snapshot.h"
#include "git/task_git_facts.h"
#include "projections/project_model.h"
#include "projections/task_fold.h"
#include "schema/event_schema.h"

namespace orch::git {

// Every event `orch observe --reconcile` appends has the actor
// kObserveActor (projections/task_fold.h): its inspections count.

struct Finding {
  std::string task;  // "" for project-level drift
  std::string kind;
  std::string log_says;
  std::string git_shows;  // deterministic for one git fact: part of its identity
  // The log already holds this drift (same task, kind and git fact): it is
  // reported, but nothing is appended again.
  bool recorded = false;
  // Observed events (drift-detected first, then any lifecycle fact) that
  // --reconcile appends; empty when recorded.
  std::vector<EventContent> events;
};

struct Observation {
  RepoSnapshot repo;
  int tasks_checked = 0;  // tasks compared with the repository
  std::vector<Finding> findings;
};

// What judging a pending setup needs besides the repository: the moment
// and how long a setup may take. now == 0: overdue setups are not judged.
struct SetupClock {
  int64_t now = 0;
  int64_t allowance_seconds = 0;
  // When each pending setup was dispatched (the project fold's
  // dispatched_at: later observations do not restart the wait); a task
  // missing here is not judged overdue.
  std::map<std::string, int64_t> dispatched_at;
};

// The clock for `model`'s pending setups at `now`.
SetupClock SetupClockOf(const ProjectModel& model, int64_t now);

// Compares every task of `facts` that is not abandoned (cleaned tasks only
// for what they left behind) with the repository. Reads git only; changes
// nothing. Errors as TakeSnapshot and InspectTask.
absl::StatusOr<Observation> Observe(const GitRepo& main, const GitFacts& facts, RepoSnapshot snapshot,
                                    const SetupClock& clock = {});

// The pending-setup tasks among `tasks` against the worktrees `repo`
// lists: setup-unreported (with its worktree-ready event) when one has the
// task's branch checked out, else setup-overdue when the setup has waited
// (since its dispatch) longer than the allowance. Pure.
std::vector<Finding> CheckPendingSetups(const std::vector<const TaskGitFacts*>& tasks,
                                        const RepoSnapshot& repo, const SetupClock& clock);

// The integration checkout against the log's latest report of it: an
// integration-dirty finding when it is dirty (recorded when the latest
// report shows the same dirt), an integration-clean one when it is clean
// and the latest report says dirty; nullopt when clean and nothing says
// otherwise. `orch observe` and `orch watch` both record it.
std::optional<Finding> IntegrationFinding(const ProjectGitFacts& project, const RepoSnapshot& repo);

// The events of unrecorded findings as one batch, each with an idempotency
// key derived from its own bytes, so a concurrent or repeated reconcile of
// the same facts appends nothing twice.
absl::StatusOr<std::vector<AppendRequest>> ReconcileBatch(EventSchema& schema,
                                                          const std::vector<Finding>& findings);

}  // namespace orch::git

#endif  // ORCH_GIT_DRIFT_H_

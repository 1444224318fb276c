// What the log says about the repository: per task, the delivery unit it
// was given (branch, base, worktree, write set) and how far its lifecycle
// got; per project, the repository, integration branch and remote. A pure
// fold over events, plus a loader that scans the store for it.
#ifndef ORCH_GIT_TASK_GIT_FACTS_H_
#define ORCH_GIT_TASK_GIT_FACTS_H_

#include <map>
#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"
#include "git/checklist.h"
#include "projections/task_lifecycle.h"

namespace orch::git {

struct TaskGitFacts {
  TaskGitSpec spec;           // branch, base, worktree, globs, self-review
  TaskLifecycle lifecycle;    // the state machine of projections/task_lifecycle.h
  std::string merge_commit;   // from the last `merged` event
  std::string pushed_commit;  // from the last `pushed` event
  // Drift already recorded for this task, as DriftKey(kind, git_shows).
  std::set<std::string> drift_seen;
};

struct ProjectGitFacts {
  std::string project_root;  // from project-initialized; may be empty
  std::string default_branch;
  std::string remote;
  std::set<std::string> drift_seen;  // project-level drift already recorded
};

// The identity of one drift finding: the same kind with the same git fact
// is the same drift, whatever the log said at the time.
std::string DriftKey(absl::string_view kind, absl::string_view git_shows);

// Folds events in log order. Not thread-safe; no I/O.
class GitFactsFold {
 public:
  void Apply(const LoggedEvent& e);
  const ProjectGitFacts& project() const { return project_; }
  const std::map<std::string, TaskGitFacts>& tasks() const { return tasks_; }

 private:
  ProjectGitFacts project_;
  std::map<std::string, TaskGitFacts> tasks_;
};

// Scans the store: every event, or only project-initialized events and
// those of `task` (through the task index) when one is given.
absl::StatusOr<GitFactsFold> LoadGitFacts(const EventStore& store,
                                          const std::optional<std::string>& task = std::nullopt);

}  // namespace orch::git

#endif  // ORCH_GIT_TASK_GIT_FACTS_H_

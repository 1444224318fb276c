// What the log says about the repository: per task, the delivery unit it
// was given (branch, base, worktree, write set) and how far its lifecycle
// got, both straight from the one task fold (projections/task_fold.h);
// per project, the settings (repository, integration branch, remote) from
// the project fold's own ApplyProjectInitialized
// (projections/project_settings.h); plus what only the git readers need:
// the drift already recorded.
#ifndef ORCH_GIT_TASK_GIT_FACTS_H_
#define ORCH_GIT_TASK_GIT_FACTS_H_

#include <map>
#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"
#include "git/checklist.h"
#include "projections/project_settings.h"
#include "projections/task_fold.h"

namespace orch::git {

struct TaskGitFacts {
  TaskGitSpec spec;  // branch, base, worktree, globs, self-review: from `facts`
  TaskFacts facts;   // the one task fold's facts
  // Drift already recorded for this task, as DriftKey(kind, git_shows).
  std::set<std::string> drift_seen;
};

struct ProjectGitFacts {
  // As the project fold has them (ProjectModel::settings); project_root
  // may be empty (never recorded).
  ProjectSettings settings;
  std::set<std::string> drift_seen;  // project-level drift already recorded
  // The integration checkout as the latest integration-dirty or
  // integration-clean report says (seq 0: none yet).
  bool integration_dirty = false;
  uint64_t integration_seq = 0;
  std::string integration_dirt;  // that report's git_shows
};

struct GitFacts {
  ProjectGitFacts project;
  std::map<std::string, TaskGitFacts> tasks;  // the tasks the log knows, by id
};

// The identity of one drift finding: the same kind with the same git fact
// is the same drift, whatever the log said at the time.
std::string DriftKey(absl::string_view kind, absl::string_view git_shows);

// The delivery unit of `task` as its facts give it.
TaskGitSpec SpecOf(const std::string& task, const TaskFacts& facts);

// Folds events in log order: the task fold, plus the git-only facts. Not
// thread-safe; no I/O.
class GitFactsFold {
 public:
  void Apply(const LoggedEvent& e);
  GitFacts Facts() const;

 private:
  ProjectGitFacts project_;
  TaskFold tasks_;
  std::map<std::string, std::set<std::string>> drift_seen_;  // by task
};

// Scans the store: every event; or, when `task` is given, project-initialized
// events plus the task through the task fold's per-task loader (its events
// and the task-less events that move it). A task the log does not know is
// present with state unknown; an empty `task` reads the settings alone.
absl::StatusOr<GitFacts> LoadGitFacts(const EventStore& store,
                                      const std::optional<std::string>& task = std::nullopt);

}  // namespace orch::git

#endif  // ORCH_GIT_TASK_GIT_FACTS_H_

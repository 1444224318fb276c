// What the watchdog reads of a task's worktree (projections/watchdog.h,
// WorktreeProgress): whether it exists, commits beyond the base and when
// the newest was made, uncommitted changes and when a file last changed.
#ifndef ORCH_GIT_WORKTREE_PROGRESS_H_
#define ORCH_GIT_WORKTREE_PROGRESS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "git/checklist.h"
#include "git/repository.h"
#include "projections/project_model.h"
#include "projections/watchdog.h"

namespace orch::git {

// "staged a; unstaged b, c; untracked d/" ("" when clean).
std::string DirtText(const WorkStatus& status);

// The progress of `spec` in the repository `main`. A missing worktree is a
// fact (worktree_exists false), not an error. Errors as InspectTask.
absl::StatusOr<WorktreeProgress> ReadWorktreeProgress(const GitRepo& main, const TaskGitSpec& spec,
                                                      const std::string& integration_branch,
                                                      const std::vector<WorktreeEntry>* worktrees);

// ReadWorktreeProgress for every task of `model` in flight (IsInFlight in
// projections/task_rules.h). A task whose worktree cannot be read is
// present with known = false: one broken worktree does not hide the others.
std::map<std::string, WorktreeProgress> ReadInFlightProgress(const GitRepo& main, const ProjectModel& model,
                                                             const std::string& integration_branch);

}  // namespace orch::git

#endif  // ORCH_GIT_WORKTREE_PROGRESS_H_

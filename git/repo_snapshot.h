// Repository-level facts `orch observe` compares the log with: the
// integration branch and its remote-tracking branch, the main checkout and
// the linked worktrees.
#ifndef ORCH_GIT_REPO_SNAPSHOT_H_
#define ORCH_GIT_REPO_SNAPSHOT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "git/repository.h"
#include "git/task_git_facts.h"

namespace orch::git {

struct RepoSnapshot {
  std::string root;  // top level of the main worktree
  std::string integration_branch;
  std::optional<std::string> integration_head;  // nullopt: no such branch
  std::string remote;
  std::optional<std::string> remote_head;  // refs/remotes/<remote>/<integration>
  AheadBehind vs_remote;                   // integration vs remote_head
  HeadState checkout;                      // HEAD of the main worktree
  WorkStatus checkout_status;              // the main worktree's status
  std::vector<WorktreeEntry> worktrees;    // linked worktrees
};

// Reads the snapshot. Untracked paths of the main checkout starting with one
// of `skip_untracked` (the store directory, worktrees placed inside the
// checkout) are not counted as dirt. FailedPrecondition when the repository
// has no commits; Internal for a libgit2 failure.
absl::StatusOr<RepoSnapshot> TakeSnapshot(const GitRepo& main, const std::string& integration_branch,
                                          const std::string& remote,
                                          const std::vector<std::string>& skip_untracked);

// The repository the loop works on, with the branch and remote to compare.
struct ProjectRepo {
  std::unique_ptr<GitRepo> repo;
  std::string integration_branch;  // recorded default branch, else HEAD's branch, else main
  std::string remote;              // recorded remote, else origin
};

// Opens `repo_dir` if given (its top level exactly), else the project_root
// recorded by project-initialized, else the main worktree around `cwd`.
// NotFound "<dir> is not a git repository" / "... does not exist";
// FailedPrecondition "<dir>: the repository has no commits yet".
absl::StatusOr<ProjectRepo> OpenProjectRepo(const ProjectGitFacts& project, const std::string& repo_dir,
                                            const std::string& cwd);

}  // namespace orch::git

#endif  // ORCH_GIT_REPO_SNAPSHOT_H_

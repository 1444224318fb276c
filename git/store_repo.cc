#include "git/store_repo.h"

#include "base/status_macros.h"
#include "git/task_git_facts.h"

namespace orch::git {

absl::StatusOr<ProjectRepo> OpenStoreProjectRepo(const EventStore& store, const std::string& repo_dir,
                                                 const std::string& cwd) {
  // Only the project settings are needed: no task's events are read.
  ORCH_ASSIGN_OR_RETURN(GitFacts facts, LoadGitFacts(store, std::string()));
  return OpenProjectRepo(facts.project, repo_dir, cwd);
}

}  // namespace orch::git

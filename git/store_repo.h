// The project's repository as the log records it: what `anchor`, `pack`,
// `review`, `verify` and `emit --from-git` open before they read git.
#ifndef ORCH_GIT_STORE_REPO_H_
#define ORCH_GIT_STORE_REPO_H_

#include <string>

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"
#include "git/repo_snapshot.h"

namespace orch::git {

// The project's repository for `store`: `repo_dir` if given, else the
// project_root recorded by project-initialized, else the main worktree
// around `cwd`. Reads only the project settings of the log (no task's
// events). Errors as OpenProjectRepo (repo_snapshot.h) and the store's
// read errors.
absl::StatusOr<ProjectRepo> OpenStoreProjectRepo(const EventStore& store, const std::string& repo_dir,
                                                 const std::string& cwd);

}  // namespace orch::git

#endif  // ORCH_GIT_STORE_REPO_H_

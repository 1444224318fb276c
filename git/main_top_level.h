// Where the main worktree of the repository around a directory is: the
// place `.orch/` lives, shared by every linked worktree of the repository.
#ifndef ORCH_GIT_MAIN_TOP_LEVEL_H_
#define ORCH_GIT_MAIN_TOP_LEVEL_H_

#include <string>

#include "absl/status/statusor.h"

namespace orch::git {

// The top level of the main worktree of the repository around `start`
// (searching upwards; from a linked worktree, the main one; for a bare
// repository, its directory). The layouts git itself creates are read
// directly (MainTopLevelFromFiles, store_location.h); libgit2
// (GitRepo::DiscoverMainTopLevel) is only the fallback for anything else
// (GIT_DIR, unusual gitdir files). NotFound when `start` is not inside a
// repository.
absl::StatusOr<std::string> FindMainTopLevel(const std::string& start);

}  // namespace orch::git

#endif  // ORCH_GIT_MAIN_TOP_LEVEL_H_

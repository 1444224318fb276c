// A commit and its tree by id, the look-ups every GitRepo query starts
// from (repository_history.cc, repository_patch.cc). Internal to git/
// (includes git2.h through git_ptr.h).
#ifndef ORCH_GIT_COMMIT_LOOKUP_H_
#define ORCH_GIT_COMMIT_LOOKUP_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "git/git_ptr.h"

namespace orch::git {

// The commit `id` (40 hex digits) of `repo`. InvalidArgument for a
// malformed id, NotFound "commit <id> is not in the repository", else
// libgit2's error through FromGit.
absl::StatusOr<GitPtr<git_commit>> LookupCommit(git_repository* repo, absl::string_view id);

// The tree of `commit`.
absl::StatusOr<GitPtr<git_tree>> TreeOf(const git_commit* commit);

}  // namespace orch::git

#endif  // ORCH_GIT_COMMIT_LOOKUP_H_

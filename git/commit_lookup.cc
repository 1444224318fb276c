#include "git/commit_lookup.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "git/git_error.h"

namespace orch::git {

absl::StatusOr<GitPtr<git_commit>> LookupCommit(git_repository* repo, absl::string_view id) {
  ORCH_ASSIGN_OR_RETURN(git_oid oid, ParseOid(id));
  git_commit* raw = nullptr;
  const int rc = git_commit_lookup(&raw, repo, &oid);
  if (rc == GIT_ENOTFOUND)
    return absl::NotFoundError(absl::StrCat("commit ", id, " is not in the repository"));
  ORCH_RETURN_IF_ERROR(FromGit(rc, absl::StrCat("cannot read commit ", id)));
  return GitPtr<git_commit>(raw);
}

absl::StatusOr<GitPtr<git_tree>> TreeOf(const git_commit* commit) {
  git_tree* raw = nullptr;
  ORCH_RETURN_IF_ERROR(FromGit(git_commit_tree(&raw, commit), "cannot read a commit's tree"));
  return GitPtr<git_tree>(raw);
}

}  // namespace orch::git

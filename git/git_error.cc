#include "git/git_error.h"

#include <git2.h>

#include "absl/strings/str_cat.h"

namespace orch::git {

absl::Status FromGit(int code, absl::string_view what) {
  if (code >= 0) return absl::OkStatus();
  const git_error* e = git_error_last();
  const std::string message =
      absl::StrCat(what, ": ", e != nullptr && e->message != nullptr ? e->message : "libgit2 error");
  switch (code) {
    case GIT_ENOTFOUND:
      return absl::NotFoundError(message);
    case GIT_EEXISTS:
      return absl::AlreadyExistsError(message);
    case GIT_EAMBIGUOUS:
    case GIT_EINVALIDSPEC:
      return absl::InvalidArgumentError(message);
    case GIT_EUNBORNBRANCH:
    case GIT_EBAREREPO:
      return absl::FailedPreconditionError(message);
    case GIT_ELOCKED:
      return absl::UnavailableError(message);
    case GIT_ECONFLICT:
    case GIT_EMODIFIED:
      return absl::AbortedError(message);
    default:
      return absl::InternalError(message);
  }
}

LibGit2::LibGit2() { git_libgit2_init(); }
LibGit2::~LibGit2() { git_libgit2_shutdown(); }

}  // namespace orch::git

// The one adapter between libgit2 and absl::Status, plus the library's
// init/shutdown guard.
//
// libgit2 reports failure as a negative return code and keeps the details
// in a thread-local error (git_error_last()). Everything in projections/git
// turns that pair into an absl::Status right at the call site, so no libgit2
// code leaks past this folder.
#ifndef ORCH_GIT_GIT_ERROR_H_
#define ORCH_GIT_GIT_ERROR_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace orch::git {

// OkStatus for code >= 0. Otherwise a Status whose message is
// "<what>: <libgit2 message>", with a code chosen from the libgit2 code:
//   GIT_ENOTFOUND                         -> NotFound
//   GIT_EEXISTS                           -> AlreadyExists
//   GIT_EAMBIGUOUS, GIT_EINVALIDSPEC      -> InvalidArgument
//   GIT_EUNBORNBRANCH, GIT_EBAREREPO      -> FailedPrecondition
//   GIT_ELOCKED                           -> Unavailable
//   GIT_ECONFLICT, GIT_EMODIFIED          -> Aborted
//   anything else                         -> Internal
// Call it immediately after the failing libgit2 call: the error text is
// per thread and the next call may overwrite it.
absl::Status FromGit(int code, absl::string_view what);

// Keeps libgit2 initialised while alive. git_libgit2_init/shutdown are
// reference counted, so nesting guards is fine. Thread-safe.
class LibGit2 {
 public:
  LibGit2();
  ~LibGit2();
  LibGit2(const LibGit2&) = delete;
  LibGit2& operator=(const LibGit2&) = delete;
};

}  // namespace orch::git

#endif  // ORCH_GIT_GIT_ERROR_H_

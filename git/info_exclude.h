// Keeping orch's own files out of `git status`: the store (`.orch/`) lives
// in the main worktree, and tools that refuse to dispatch into a dirty
// checkout (the predecessor's dirty check among them) must not see it.
#ifndef ORCH_GIT_INFO_EXCLUDE_H_
#define ORCH_GIT_INFO_EXCLUDE_H_

#include <string>

#include "absl/status/statusor.h"

namespace orch::git {

enum class ExcludeResult {
  kAdded,          // a pattern was appended to info/exclude
  kAlreadyThere,   // the pattern was there already
  kNotInWorktree,  // `path` is not inside a repository's working tree
};

// Adds `path` (a directory) to the `info/exclude` file of the repository
// whose working tree holds it, as an anchored pattern ("/.orch/"), unless
// that exact pattern is there already. info/exclude is local to the clone:
// nothing is committed. Internal/Unavailable-style errors for I/O failures,
// naming the file.
absl::StatusOr<ExcludeResult> ExcludeFromStatus(const std::string& path);

}  // namespace orch::git

#endif  // ORCH_GIT_INFO_EXCLUDE_H_

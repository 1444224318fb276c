// RAII owners for libgit2 objects: GitPtr<git_commit> frees itself with
// git_commit_free, and so on. Internal to projections/git (includes git2.h).
#ifndef ORCH_GIT_GIT_PTR_H_
#define ORCH_GIT_GIT_PTR_H_

#include <git2.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace orch::git {

template <typename T>
struct GitDeleter;

#define ORCH_GIT_DELETER(T, free_fn)            \
  template <>                                   \
  struct GitDeleter<T> {                        \
    void operator()(T* p) const { free_fn(p); } \
  }

ORCH_GIT_DELETER(git_repository, git_repository_free);
ORCH_GIT_DELETER(git_reference, git_reference_free);
ORCH_GIT_DELETER(git_object, git_object_free);
ORCH_GIT_DELETER(git_commit, git_commit_free);
ORCH_GIT_DELETER(git_tree, git_tree_free);
ORCH_GIT_DELETER(git_diff, git_diff_free);
ORCH_GIT_DELETER(git_status_list, git_status_list_free);
ORCH_GIT_DELETER(git_worktree, git_worktree_free);
ORCH_GIT_DELETER(git_revwalk, git_revwalk_free);
ORCH_GIT_DELETER(git_patch, git_patch_free);
ORCH_GIT_DELETER(git_diff_stats, git_diff_stats_free);
ORCH_GIT_DELETER(git_blob, git_blob_free);

#undef ORCH_GIT_DELETER

template <typename T>
using GitPtr = std::unique_ptr<T, GitDeleter<T>>;

// A git_strarray filled by libgit2 and disposed on scope exit.
struct StrArray {
  git_strarray a = {nullptr, 0};
  StrArray() = default;
  StrArray(const StrArray&) = delete;
  StrArray& operator=(const StrArray&) = delete;
  ~StrArray() { git_strarray_dispose(&a); }
};

// A git_buf filled by libgit2 and disposed on scope exit.
struct Buf {
  git_buf b = GIT_BUF_INIT;
  Buf() = default;
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  ~Buf() { git_buf_dispose(&b); }
};

inline std::string OidHex(const git_oid& oid) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof(hex), &oid);
  return std::string(hex);
}

// A full 40-char hex id to a git_oid; InvalidArgument otherwise.
inline absl::StatusOr<git_oid> ParseOid(absl::string_view hex) {
  git_oid oid;
  if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&oid, hex.data(), hex.size()) != 0) {
    return absl::InvalidArgumentError(absl::StrCat("'", hex, "' is not a full commit id"));
  }
  return oid;
}

}  // namespace orch::git

#endif  // ORCH_GIT_GIT_PTR_H_

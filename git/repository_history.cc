// GitRepo: ancestry, ahead/behind counts and tree diffs.
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "git/commit_lookup.h"
#include "git/git_ptr.h"
#include "git/repository.h"

namespace orch::git {

namespace {

// Bounds MergeCommitFor's first-parent walk: each step asks libgit2 for a
// reachability answer, so an unbounded walk over a long history would be
// quadratic. Beyond this many merges back we give up (NotFound).
constexpr int kMaxFirstParentSteps = 5000;

char StatusLetter(git_delta_t d) {
  switch (d) {
    case GIT_DELTA_ADDED:
      return 'A';
    case GIT_DELTA_DELETED:
      return 'D';
    case GIT_DELTA_RENAMED:
      return 'R';
    case GIT_DELTA_COPIED:
      return 'C';
    case GIT_DELTA_TYPECHANGE:
      return 'T';
    default:
      return 'M';
  }
}

// Diffs two trees (either may be null: the empty tree) with rename detection.
absl::StatusOr<std::vector<ChangedPath>> DiffTrees(git_repository* repo, git_tree* from, git_tree* to) {
  git_diff_options opts;
  git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
  git_diff* raw = nullptr;
  ORCH_RETURN_IF_ERROR(FromGit(git_diff_tree_to_tree(&raw, repo, from, to, &opts), "cannot diff trees"));
  GitPtr<git_diff> diff(raw);
  git_diff_find_options find;
  git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
  find.flags = GIT_DIFF_FIND_RENAMES;
  ORCH_RETURN_IF_ERROR(FromGit(git_diff_find_similar(diff.get(), &find), "cannot detect renames"));
  std::vector<ChangedPath> out;
  const size_t n = git_diff_num_deltas(diff.get());
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
    ChangedPath c;
    c.status = StatusLetter(d->status);
    if (d->status == GIT_DELTA_DELETED) {
      c.path = d->old_file.path;
    } else {
      c.path = d->new_file.path;
      if (d->status == GIT_DELTA_RENAMED || d->status == GIT_DELTA_COPIED) c.old_path = d->old_file.path;
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

absl::StatusOr<bool> GitRepo::IsAncestor(absl::string_view ancestor, absl::string_view descendant) const {
  ORCH_ASSIGN_OR_RETURN(git_oid a, ParseOid(ancestor));
  ORCH_ASSIGN_OR_RETURN(git_oid d, ParseOid(descendant));
  if (git_oid_equal(&a, &d)) return true;
  const int rc = git_graph_descendant_of(repo_, &d, &a);
  ORCH_RETURN_IF_ERROR(FromGit(
      rc, absl::StrCat("cannot tell whether ", ShortId(descendant), " contains ", ShortId(ancestor))));
  return rc == 1;
}

absl::StatusOr<AheadBehind> GitRepo::Compare(absl::string_view local, absl::string_view upstream) const {
  ORCH_ASSIGN_OR_RETURN(git_oid l, ParseOid(local));
  ORCH_ASSIGN_OR_RETURN(git_oid u, ParseOid(upstream));
  AheadBehind ab;
  ORCH_RETURN_IF_ERROR(FromGit(git_graph_ahead_behind(&ab.ahead, &ab.behind, repo_, &l, &u),
                               absl::StrCat("cannot compare ", ShortId(local), " with ", ShortId(upstream))));
  return ab;
}

absl::StatusOr<std::string> GitRepo::MergeCommitFor(absl::string_view commit,
                                                    absl::string_view target_head) const {
  std::string found;
  std::string cur(target_head);
  for (int step = 0; step < kMaxFirstParentSteps; ++step) {
    ORCH_ASSIGN_OR_RETURN(bool contains, IsAncestor(commit, cur));
    if (!contains) break;
    found = cur;
    ORCH_ASSIGN_OR_RETURN(GitPtr<git_commit> c, LookupCommit(repo_, cur));
    if (git_commit_parentcount(c.get()) == 0) break;
    cur = OidHex(*git_commit_parent_id(c.get(), 0));
  }
  if (found.empty()) {
    return absl::NotFoundError(
        absl::StrCat(ShortId(commit), " is not in the history of ", ShortId(target_head)));
  }
  return found;
}

absl::StatusOr<std::vector<ChangedPath>> GitRepo::Diff(absl::string_view from, absl::string_view to) const {
  ORCH_ASSIGN_OR_RETURN(GitPtr<git_commit> a, LookupCommit(repo_, from));
  ORCH_ASSIGN_OR_RETURN(GitPtr<git_commit> b, LookupCommit(repo_, to));
  ORCH_ASSIGN_OR_RETURN(GitPtr<git_tree> ta, TreeOf(a.get()));
  ORCH_ASSIGN_OR_RETURN(GitPtr<git_tree> tb, TreeOf(b.get()));
  return DiffTrees(repo_, ta.get(), tb.get());
}

absl::StatusOr<std::vector<ChangedPath>> GitRepo::CommitChanges(absl::string_view commit) const {
  ORCH_ASSIGN_OR_RETURN(GitPtr<git_commit> c, LookupCommit(repo_, commit));
  ORCH_ASSIGN_OR_RETURN(GitPtr<git_tree> tree, TreeOf(c.get()));
  if (git_commit_parentcount(c.get()) == 0) return DiffTrees(repo_, nullptr, tree.get());
  git_commit* raw = nullptr;
  ORCH_RETURN_IF_ERROR(FromGit(git_commit_parent(&raw, c.get(), 0), "cannot read the first parent"));
  GitPtr<git_commit> parent(raw);
  ORCH_ASSIGN_OR_RETURN(GitPtr<git_tree> ptree, TreeOf(parent.get()));
  return DiffTrees(repo_, ptree.get(), tree.get());
}

}  // namespace orch::git

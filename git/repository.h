// GitRepo: access to one git repository (or linked worktree) through
// libgit2: reads, and one narrow write (CommitFileToRef, for orch anchor). Commit ids cross this interface as
// 40-char hex text so callers never see a libgit2 type.
//
// Status codes: NotFound (no such path, not a repository, unknown commit),
// FailedPrecondition (no commits yet), InvalidArgument (malformed revision),
// Internal (anything else libgit2 reports). Messages are one line and name
// the path or revision.
//
// Thread safety: one GitRepo per thread; separate GitRepo objects may be used
// from different threads at once.
#ifndef ORCH_GIT_REPOSITORY_H_
#define ORCH_GIT_REPOSITORY_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "git/git_error.h"

struct git_repository;

namespace orch::git {

// What HEAD points at.
struct HeadState {
  enum class Kind { kBranch, kDetached, kUnborn };
  Kind kind = Kind::kUnborn;
  std::string branch;  // short name, for kBranch and kUnborn
  std::string commit;  // empty for kUnborn
};

// One file in a diff. status: 'A' added, 'M' modified, 'D' deleted,
// 'R' renamed, 'C' copied, 'T' type changed.
struct ChangedPath {
  char status = 'M';
  std::string path;      // the new path (the old one for 'D')
  std::string old_path;  // set for 'R' and 'C'
};

// The working tree against the index and HEAD. Untracked directories are
// listed once, with a trailing '/', as `git status` does.
struct WorkStatus {
  std::vector<std::string> staged;
  std::vector<std::string> unstaged;
  std::vector<std::string> untracked;
  bool clean() const { return staged.empty() && unstaged.empty() && untracked.empty(); }
};

// One linked worktree registered in the repository (git worktree list).
struct WorktreeEntry {
  std::string name;
  std::string path;  // as registered, absolute
  bool dir_exists = false;
  HeadState head;  // read from the main repository; kUnborn if unreadable
};

struct AheadBehind {
  size_t ahead = 0;   // commits in local not in upstream
  size_t behind = 0;  // commits in upstream not in local
};

class GitRepo {
 public:
  // Opens the repository or worktree whose top level (or .git) is exactly
  // `path`; does not search parent directories. NotFound with
  // "<path> is not a git repository" when it is not one.
  static absl::StatusOr<std::unique_ptr<GitRepo>> Open(const std::string& path);

  // The top level of the main worktree of the repository around `start`
  // (searching upwards; from a linked worktree, the main one). NotFound
  // when `start` is not inside a repository.
  static absl::StatusOr<std::string> DiscoverMainTopLevel(const std::string& start);

  // A second handle on the same repository, for use on another thread.
  absl::StatusOr<std::unique_ptr<GitRepo>> Reopen() const { return Open(path_); }

  ~GitRepo();
  GitRepo(const GitRepo&) = delete;
  GitRepo& operator=(const GitRepo&) = delete;

  // Top level of the working tree, without a trailing '/'; "" when bare.
  const std::string& workdir() const { return workdir_; }
  // The repository's common directory (the main `.git`, also when opened
  // through a linked worktree), canonical, without a trailing '/'. Two
  // handles are on the same repository iff their commondirs are equal.
  const std::string& commondir() const { return commondir_; }
  // FailedPrecondition "<workdir>: the repository has no commits yet" when
  // no reference points at a commit.
  absl::Status RequireCommits() const;

  absl::StatusOr<HeadState> Head() const;
  // Head commit of refs/heads/<branch>; nullopt when there is no such branch.
  absl::StatusOr<std::optional<std::string>> BranchHead(absl::string_view branch) const;
  // Head of refs/remotes/<remote>/<branch>; nullopt when absent.
  absl::StatusOr<std::optional<std::string>> RemoteBranchHead(absl::string_view remote,
                                                              absl::string_view branch) const;
  // Head commit of any reference by its full name (refs/orch/head);
  // nullopt when absent.
  absl::StatusOr<std::optional<std::string>> RefCommit(absl::string_view ref) const;
  // The content of the file `path` in `commit`'s tree; NotFound when absent.
  absl::StatusOr<std::string> FileAtCommit(absl::string_view commit, absl::string_view path) const;
  // The one write orch makes to a repository (orch anchor): a commit whose
  // tree holds one file, whose parent is `expected_parent` (none when
  // nullopt), and `ref` moved to it only if it still points at
  // `expected_parent` (Aborted when someone moved it meanwhile). Committer
  // is the user's git identity, else "orch". Returns the new commit id.
  absl::StatusOr<std::string> CommitFileToRef(absl::string_view ref, absl::string_view path,
                                              absl::string_view content, absl::string_view message,
                                              const std::optional<std::string>& expected_parent) const;
  // Any revision (id, abbreviated id, branch, HEAD~2) to a full commit id.
  absl::StatusOr<std::string> ResolveCommit(absl::string_view revision) const;
  // First line of the commit's message.
  absl::StatusOr<std::string> CommitSummary(absl::string_view commit) const;
  // The commit's committer time, ns since the Unix epoch (a full id).
  absl::StatusOr<int64_t> CommitTimeNanos(absl::string_view commit) const;

  // Is `ancestor` reachable from `descendant` (or equal to it)?
  absl::StatusOr<bool> IsAncestor(absl::string_view ancestor, absl::string_view descendant) const;
  absl::StatusOr<AheadBehind> Compare(absl::string_view local, absl::string_view upstream) const;
  // The oldest commit on the first-parent chain of `target_head` that still
  // contains `commit`: the merge (or fast-forward) that brought it in.
  // NotFound when `commit` is not in target_head's history.
  absl::StatusOr<std::string> MergeCommitFor(absl::string_view commit, absl::string_view target_head) const;

  // Files that differ between the trees of two commits, renames detected
  // (50% similarity, like git's default).
  absl::StatusOr<std::vector<ChangedPath>> Diff(absl::string_view from, absl::string_view to) const;
  // Files one commit changed against its first parent (against the empty
  // tree for a root commit).
  absl::StatusOr<std::vector<ChangedPath>> CommitChanges(absl::string_view commit) const;

  // The diff between two commits' trees as `git diff --stat` (`stat`; names
  // quoted as the patch quotes them, git/quoted_path.h) and
  // `git diff` (`patch`) print it, renames detected. Errors as Diff.
  struct PatchText {
    std::string stat, patch;
  };
  absl::StatusOr<PatchText> Patch(absl::string_view from, absl::string_view to) const;
  // The whitespace errors the lines added between two commits hold, as
  // `git diff --check` names them under git's default core.whitespace
  // (blank-at-eol, space-before-tab, blank-at-eof): "path:line: trailing
  // whitespace.", "path:line: space before tab in indent.", "path:line:
  // new blank line at EOF.". Binary files are skipped. Errors as Diff.
  absl::StatusOr<std::vector<std::string>> WhitespaceErrors(absl::string_view from,
                                                            absl::string_view to) const;

  // Staged, unstaged and untracked paths of this working tree (ignored files
  // excluded). Untracked paths starting with one of `skip_untracked` (e.g.
  // ".orch/") are left out. FailedPrecondition for a bare repository.
  absl::StatusOr<WorkStatus> Status(const std::vector<std::string>& skip_untracked = {}) const;

  // The linked worktrees of the repository (not the main one).
  absl::StatusOr<std::vector<WorktreeEntry>> Worktrees() const;

 private:
  GitRepo() = default;
  LibGit2 lib_;  // first member: initialised before, shut down after repo_
  git_repository* repo_ = nullptr;
  std::string workdir_;
  std::string commondir_;
  std::string path_;  // as given to Open
};

// "abc1234" for display.
std::string ShortId(absl::string_view commit);

}  // namespace orch::git

#endif  // ORCH_GIT_REPOSITORY_H_

// GitRepo: working-tree status and the list of linked worktrees.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "git/git_ptr.h"
#include "git/repository.h"

namespace orch::git {

namespace {

constexpr unsigned kIndexBits = GIT_STATUS_INDEX_NEW | GIT_STATUS_INDEX_MODIFIED | GIT_STATUS_INDEX_DELETED |
                                GIT_STATUS_INDEX_RENAMED | GIT_STATUS_INDEX_TYPECHANGE;
constexpr unsigned kWorktreeBits = GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_DELETED | GIT_STATUS_WT_TYPECHANGE |
                                   GIT_STATUS_WT_RENAMED | GIT_STATUS_WT_UNREADABLE;

const char* PathOf(const git_diff_delta* d) {
  if (d == nullptr) return nullptr;
  return d->new_file.path != nullptr ? d->new_file.path : d->old_file.path;
}

// A HEAD file holds "ref: refs/heads/<branch>" or a commit id.
HeadState ReadWorktreeHead(git_repository* repo, const std::string& head_file) {
  HeadState h;
  std::ifstream in(head_file);
  std::string line;
  if (!in || !std::getline(in, line)) return h;  // unreadable: kUnborn, no commit
  absl::string_view v = absl::StripAsciiWhitespace(line);
  if (absl::ConsumePrefix(&v, "ref:")) {
    v = absl::StripAsciiWhitespace(v);
    const std::string ref(v);
    absl::ConsumePrefix(&v, "refs/heads/");
    h.branch = std::string(v);
    git_oid oid;
    if (git_reference_name_to_id(&oid, repo, ref.c_str()) == 0) {
      h.kind = HeadState::Kind::kBranch;
      h.commit = OidHex(oid);
    }  // else an unborn branch
    return h;
  }
  if (ParseOid(v).ok()) {
    h.kind = HeadState::Kind::kDetached;
    h.commit = std::string(v);
  }
  return h;
}

}  // namespace

absl::StatusOr<WorkStatus> GitRepo::Status(const std::vector<std::string>& skip_untracked) const {
  if (workdir_.empty()) return absl::FailedPreconditionError("a bare repository has no working tree");
  git_status_options opts;
  git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
  opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  // Untracked directories are reported once (no recursion), as git status
  // does by default; recursing would cost a walk of every new directory.
  opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
  git_status_list* raw = nullptr;
  ORCH_RETURN_IF_ERROR(
      FromGit(git_status_list_new(&raw, repo_, &opts), absl::StrCat("cannot read the status of ", workdir_)));
  GitPtr<git_status_list> list(raw);
  WorkStatus ws;
  const size_t n = git_status_list_entrycount(list.get());
  for (size_t i = 0; i < n; ++i) {
    const git_status_entry* e = git_status_byindex(list.get(), i);
    if ((e->status & kIndexBits) != 0) {
      if (const char* p = PathOf(e->head_to_index)) ws.staged.emplace_back(p);
    }
    if ((e->status & kWorktreeBits) != 0) {
      if (const char* p = PathOf(e->index_to_workdir)) ws.unstaged.emplace_back(p);
    }
    if ((e->status & GIT_STATUS_WT_NEW) != 0) {
      const char* p = PathOf(e->index_to_workdir);
      if (p == nullptr) continue;
      const bool skipped =
          std::any_of(skip_untracked.begin(), skip_untracked.end(),
                      [p](const std::string& prefix) { return absl::StartsWith(p, prefix); });
      if (!skipped) ws.untracked.emplace_back(p);
    }
  }
  return ws;
}

absl::StatusOr<std::vector<WorktreeEntry>> GitRepo::Worktrees() const {
  StrArray names;
  ORCH_RETURN_IF_ERROR(
      FromGit(git_worktree_list(&names.a, repo_), absl::StrCat("cannot list the worktrees of ", workdir_)));
  std::vector<WorktreeEntry> out;
  out.reserve(names.a.count);
  for (size_t i = 0; i < names.a.count; ++i) {
    WorktreeEntry w;
    w.name = names.a.strings[i];
    git_worktree* raw = nullptr;
    if (git_worktree_lookup(&raw, repo_, w.name.c_str()) != 0) continue;  // vanished meanwhile
    GitPtr<git_worktree> wt(raw);
    std::string path = git_worktree_path(wt.get());
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    w.path = std::move(path);
    std::error_code ec;
    w.dir_exists = std::filesystem::is_directory(w.path, ec);
    // The worktree's HEAD file lives in the main repository's admin dir for
    // it, so this works even when the worktree directory is gone. Read as a
    // file on purpose: git_repository_head_for_worktree opens the worktree
    // as a repository (config and all), which made listing 200 worktrees
    // cost more than inspecting them.
    w.head =
        ReadWorktreeHead(repo_, absl::StrCat(git_repository_commondir(repo_), "worktrees/", w.name, "/HEAD"));
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace orch::git

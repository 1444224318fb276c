// GitRepo: a diff as text (the review pack) and its whitespace errors (the
// acceptance report), both through libgit2's patch API.
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "git/git_ptr.h"
#include "git/repository.h"

namespace orch::git {

namespace {

absl::StatusOr<GitPtr<git_tree>> CommitTree(git_repository* repo, absl::string_view id) {
  ORCH_ASSIGN_OR_RETURN(git_oid oid, ParseOid(id));
  git_commit* raw = nullptr;
  const int rc = git_commit_lookup(&raw, repo, &oid);
  if (rc == GIT_ENOTFOUND)
    return absl::NotFoundError(absl::StrCat("commit ", id, " is not in the repository"));
  ORCH_RETURN_IF_ERROR(FromGit(rc, absl::StrCat("cannot read commit ", id)));
  GitPtr<git_commit> commit(raw);
  git_tree* tree = nullptr;
  ORCH_RETURN_IF_ERROR(FromGit(git_commit_tree(&tree, commit.get()), "cannot read a commit's tree"));
  return GitPtr<git_tree>(tree);
}

absl::StatusOr<GitPtr<git_diff>> TreeDiff(git_repository* repo, absl::string_view from,
                                          absl::string_view to) {
  ORCH_ASSIGN_OR_RETURN(GitPtr<git_tree> a, CommitTree(repo, from));
  ORCH_ASSIGN_OR_RETURN(GitPtr<git_tree> b, CommitTree(repo, to));
  git_diff_options opts;
  git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
  git_diff* raw = nullptr;
  ORCH_RETURN_IF_ERROR(
      FromGit(git_diff_tree_to_tree(&raw, repo, a.get(), b.get(), &opts), "cannot diff trees"));
  GitPtr<git_diff> diff(raw);
  git_diff_find_options find;
  git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
  find.flags = GIT_DIFF_FIND_RENAMES;
  ORCH_RETURN_IF_ERROR(FromGit(git_diff_find_similar(diff.get(), &find), "cannot detect renames"));
  return diff;
}

// git's isspace (sane_ctype): space, tab, CR, LF.
bool GitSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The errors of one added line (without its newline), in git's order and
// words; "" when none.
std::string LineErrors(absl::string_view line) {
  std::vector<const char*> what;
  if (!line.empty() && GitSpace(line.back())) what.push_back("trailing whitespace");
  bool space_seen = false;
  for (char c : line) {
    if (c == ' ') {
      space_seen = true;
    } else if (c == '\t') {
      if (space_seen) {
        what.push_back("space before tab in indent");
        break;
      }
    } else {
      break;
    }
  }
  return absl::StrJoin(what, ", ");
}

bool Blank(absl::string_view line) {
  for (char c : line) {
    if (!GitSpace(c)) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<GitRepo::PatchText> GitRepo::Patch(absl::string_view from, absl::string_view to) const {
  ORCH_ASSIGN_OR_RETURN(GitPtr<git_diff> diff, TreeDiff(repo_, from, to));
  PatchText out;
  git_diff_stats* raw_stats = nullptr;
  ORCH_RETURN_IF_ERROR(FromGit(git_diff_get_stats(&raw_stats, diff.get()), "cannot count a diff"));
  GitPtr<git_diff_stats> stats(raw_stats);
  Buf stat;
  ORCH_RETURN_IF_ERROR(FromGit(git_diff_stats_to_buf(&stat.b, stats.get(), GIT_DIFF_STATS_FULL, 80),
                               "cannot print a diff stat"));
  out.stat.assign(stat.b.ptr, stat.b.size);
  Buf patch;
  ORCH_RETURN_IF_ERROR(
      FromGit(git_diff_to_buf(&patch.b, diff.get(), GIT_DIFF_FORMAT_PATCH), "cannot print a diff"));
  out.patch.assign(patch.b.ptr, patch.b.size);
  return out;
}

absl::StatusOr<std::vector<std::string>> GitRepo::WhitespaceErrors(absl::string_view from,
                                                                   absl::string_view to) const {
  ORCH_ASSIGN_OR_RETURN(GitPtr<git_diff> diff, TreeDiff(repo_, from, to));
  std::vector<std::string> out;
  const size_t deltas = git_diff_num_deltas(diff.get());
  for (size_t d = 0; d < deltas; ++d) {
    git_patch* raw = nullptr;
    ORCH_RETURN_IF_ERROR(FromGit(git_patch_from_diff(&raw, diff.get(), d), "cannot read a diff"));
    if (raw == nullptr) continue;  // binary or unchanged
    GitPtr<git_patch> patch(raw);
    const git_diff_delta* delta = git_patch_get_delta(patch.get());
    if ((delta->flags & GIT_DIFF_FLAG_BINARY) != 0 || delta->status == GIT_DELTA_DELETED) continue;
    const std::string path = delta->new_file.path;
    std::set<int> added_blank;  // new line numbers of added blank lines
    int new_lines = 0, trailing_blank_from = 0;
    const size_t hunks = git_patch_num_hunks(patch.get());
    for (size_t h = 0; h < hunks; ++h) {
      const int lines = git_patch_num_lines_in_hunk(patch.get(), h);
      for (int l = 0; l < lines; ++l) {
        const git_diff_line* line = nullptr;
        ORCH_RETURN_IF_ERROR(
            FromGit(git_patch_get_line_in_hunk(&line, patch.get(), h, l), "cannot read a diff"));
        if (line->origin != GIT_DIFF_LINE_ADDITION && line->origin != GIT_DIFF_LINE_CONTEXT) continue;
        absl::string_view text(line->content, line->content_len);
        if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
        // The file's last lines, as far as the hunks show them: a run of
        // blank lines the diff reaches the end with.
        new_lines = line->new_lineno;
        if (Blank(text)) {
          if (trailing_blank_from == 0) trailing_blank_from = line->new_lineno;
        } else {
          trailing_blank_from = 0;
        }
        if (line->origin != GIT_DIFF_LINE_ADDITION) continue;
        if (Blank(text)) added_blank.insert(line->new_lineno);
        if (std::string e = LineErrors(text); !e.empty()) {
          out.push_back(absl::StrCat(path, ":", line->new_lineno, ": ", e, "."));
        }
      }
    }
    // blank-at-eof: the file now ends with blank lines this diff added.
    if (trailing_blank_from != 0) {
      const git_diff_file& nf = delta->new_file;
      git_blob* rb = nullptr;
      if (git_blob_lookup(&rb, repo_, &nf.id) == 0) {
        GitPtr<git_blob> blob(rb);
        const absl::string_view content(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                                        static_cast<size_t>(git_blob_rawsize(blob.get())));
        int total = 0;
        for (char c : content) total += c == '\n' ? 1 : 0;
        if (!content.empty() && content.back() != '\n') ++total;
        if (new_lines == total) {
          for (int n = trailing_blank_from; n <= total; ++n) {
            if (added_blank.count(n) != 0) {
              out.push_back(absl::StrCat(path, ":", n, ": new blank line at EOF."));
              break;
            }
          }
        }
      }
    }
  }
  return out;
}

}  // namespace orch::git

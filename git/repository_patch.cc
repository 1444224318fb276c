// GitRepo: a diff as text (the review pack) and its whitespace errors (the
// acceptance report), both through libgit2's patch API.
#include <algorithm>
#include <cstring>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "git/commit_lookup.h"
#include "git/git_ptr.h"
#include "git/quoted_path.h"
#include "git/repository.h"

namespace orch::git {

namespace {

absl::StatusOr<GitPtr<git_tree>> CommitTree(git_repository* repo, absl::string_view id) {
  ORCH_ASSIGN_OR_RETURN(GitPtr<git_commit> commit, LookupCommit(repo, id));
  return TreeOf(commit.get());
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

// `git diff --stat` of `diff`, laid out as libgit2's git_diff_stats_to_buf
// (GIT_DIFF_STATS_FULL, 80 columns) lays it out, with one difference: each
// name is quoted as the patch quotes it (QuoteGitPath), where libgit2's
// stat writes names raw and a name holding ESC or a newline would put
// escapes into a review pack or forge a line of it. A rename is shown
// "old => new" in full.
absl::StatusOr<std::string> StatText(git_diff* diff) {
  struct FileStat {
    std::string name;
    size_t added = 0, deleted = 0;
    bool binary = false;
    int64_t old_size = 0, new_size = 0;
  };
  std::vector<FileStat> files;
  size_t max_name = 0, max_changes = 0, insertions = 0, deletions = 0;
  const size_t deltas = git_diff_num_deltas(diff);
  for (size_t d = 0; d < deltas; ++d) {
    git_patch* raw = nullptr;
    ORCH_RETURN_IF_ERROR(FromGit(git_patch_from_diff(&raw, diff, d), "cannot count a diff"));
    GitPtr<git_patch> patch(raw);
    // The patch's delta: generating it is what finds a file binary.
    const git_diff_delta* delta =
        patch != nullptr ? git_patch_get_delta(patch.get()) : git_diff_get_delta(diff, d);
    const char* from = delta->old_file.path;
    const char* to = delta->new_file.path;
    FileStat f;
    if (from != nullptr && to != nullptr && std::strcmp(from, to) != 0) {
      f.name = absl::StrCat(QuoteGitPath(from), " => ", QuoteGitPath(to));
    } else {
      f.name = QuoteGitPath(to != nullptr ? to : from);
    }
    if (patch != nullptr) {
      ORCH_RETURN_IF_ERROR(
          FromGit(git_patch_line_stats(nullptr, &f.added, &f.deleted, patch.get()), "cannot count a diff"));
    }
    f.binary = (delta->flags & GIT_DIFF_FLAG_BINARY) != 0;
    f.old_size = static_cast<int64_t>(delta->old_file.size);
    f.new_size = static_cast<int64_t>(delta->new_file.size);
    max_name = std::max(max_name, f.name.size());
    max_changes = std::max(max_changes, f.added + f.deleted);
    insertions += f.added;
    deletions += f.deleted;
    files.push_back(std::move(f));
  }
  const int digits = static_cast<int>(std::to_string(max_changes + 1).size());
  size_t width = 80;  // the graph's, as libgit2 scales it
  if (width > max_name + digits + 5) width -= max_name + digits + 5;
  width = std::max<size_t>(width, 7);
  if (width > max_changes) width = 0;
  std::string out;
  for (const FileStat& f : files) {
    absl::StrAppend(&out, " ", f.name, std::string(max_name - f.name.size(), ' '), " | ");
    if (f.binary) {
      absl::StrAppend(&out, "Bin ", f.old_size, " -> ", f.new_size, " bytes\n");
      continue;
    }
    absl::StrAppendFormat(&out, "%*d", digits, f.added + f.deleted);
    if (f.added + f.deleted > 0) {
      size_t plus = f.added, minus = f.deleted;
      if (width > 0) {
        const size_t total = f.added + f.deleted;
        const size_t full = (total * width + max_changes / 2) / max_changes;
        plus = std::max<size_t>(full * f.added / total, 1);
        minus = std::max<size_t>(full - full * f.added / total, 1);
      }
      absl::StrAppend(&out, " ", std::string(plus, '+'), std::string(minus, '-'));
    }
    out += "\n";
  }
  absl::StrAppend(&out, " ", files.size(), " file", files.size() != 1 ? "s" : "", " changed");
  if (insertions > 0 || deletions == 0) {
    absl::StrAppend(&out, ", ", insertions, " insertion", insertions != 1 ? "s" : "", "(+)");
  }
  if (deletions > 0 || insertions == 0) {
    absl::StrAppend(&out, ", ", deletions, " deletion", deletions != 1 ? "s" : "", "(-)");
  }
  return out + "\n";
}

}  // namespace

absl::StatusOr<GitRepo::PatchText> GitRepo::Patch(absl::string_view from, absl::string_view to) const {
  ORCH_ASSIGN_OR_RETURN(GitPtr<git_diff> diff, TreeDiff(repo_, from, to));
  PatchText out;
  ORCH_ASSIGN_OR_RETURN(out.stat, StatText(diff.get()));
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

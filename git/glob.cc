#include "git/glob.h"

#include <fnmatch.h>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace orch::git {

namespace {

std::vector<std::string> Segments(absl::string_view s) {
  while (absl::ConsumePrefix(&s, "./") || absl::ConsumePrefix(&s, "/")) {
  }
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(s, '/', absl::SkipEmpty())) out.emplace_back(part);
  return out;
}

// Segment-wise match; a "**" segment absorbs zero or more path segments.
// Paths are short, so plain backtracking is cheap enough.
bool MatchFrom(const std::vector<std::string>& pat, size_t pi, const std::vector<std::string>& path,
               size_t si) {
  while (pi < pat.size()) {
    if (pat[pi] == "**") {
      while (pi + 1 < pat.size() && pat[pi + 1] == "**") ++pi;  // a/**/**/b == a/**/b
      if (pi + 1 == pat.size()) return true;                    // trailing **: anything below
      for (size_t k = si; k <= path.size(); ++k) {
        if (MatchFrom(pat, pi + 1, path, k)) return true;
      }
      return false;
    }
    if (si == path.size()) return false;
    // Segments hold no '/', so fnmatch without FNM_PATHNAME stays in one.
    if (fnmatch(pat[pi].c_str(), path[si].c_str(), 0) != 0) return false;
    ++pi;
    ++si;
  }
  return si == path.size();
}

}  // namespace

bool GlobMatch(absl::string_view pattern, absl::string_view path) {
  std::vector<std::string> pat = Segments(pattern);
  if (pat.empty()) return false;
  if (!pattern.empty() && pattern.back() == '/') pat.push_back("**");
  return MatchFrom(pat, 0, Segments(path), 0);
}

bool GlobMatchAny(const std::vector<std::string>& patterns, absl::string_view path) {
  for (const std::string& p : patterns) {
    if (GlobMatch(p, path)) return true;
  }
  return false;
}

}  // namespace orch::git

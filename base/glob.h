// Path globs for a task's allowed and forbidden paths.
//
// A pattern is matched against the whole repository-relative path (anchored
// at both ends), one '/'-separated segment at a time:
//   *        any run of characters within one segment (never '/')
//   ?        one character other than '/'
//   [abc]    a character class ([!a-z] negates), as in fnmatch
//   \x       a literal x
//   **       as a whole segment: zero or more directories, so
//            "src/**/secret/*.key" matches src/secret/a.key and
//            src/a/b/secret/a.key; "docs/**" matches everything under docs/
//   dir/     a trailing slash means everything under dir ("dir/**")
// Leading "./" and "/" are ignored. A pattern with no slash matches only at
// the top level ("*.key" does not match "a/b.key"; write "**/*.key").
// Dot files are matched by '*' like any other name.
#ifndef ORCH_BASE_GLOB_H_
#define ORCH_BASE_GLOB_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace orch {

// Does `path` match `pattern`? Pure; thread-safe.
bool GlobMatch(absl::string_view pattern, absl::string_view path);

// Does `path` match any of `patterns`? False for an empty list.
bool GlobMatchAny(const std::vector<std::string>& patterns, absl::string_view path);

// Can one path match both globs? Decides it exactly (not by sampling
// paths): `src/**` and `src/api/*.ts` overlap, `src/a/**` and `src/b/**`
// do not. Paths are non-empty: a glob that matches only the empty path
// ("**" alone does match others) overlaps nothing. Polynomial in the sizes
// of the two patterns (a search over the product of their segments, and of
// their tokens within a pair of segments), however many stars they hold.
// Pure; thread-safe.
bool GlobsIntersect(absl::string_view a, absl::string_view b);

}  // namespace orch

#endif  // ORCH_BASE_GLOB_H_

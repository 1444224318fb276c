// How a file name from a repository is written into diff text: as git and
// libgit2 write it in a patch ("diff --git", "---", "+++" lines).
//
// A name is any bytes but NUL and '/': ESC, BEL or a newline in a branch's
// file names would reach a terminal or a review pack raw (retitle the
// terminal, clear the screen, forge a line). libgit2 quotes names in the
// patch it prints but not in its diff stat, and does not export its
// quoting; this is the same quoting, for every name orch writes itself.
#ifndef ORCH_GIT_QUOTED_PATH_H_
#define ORCH_GIT_QUOTED_PATH_H_

#include <string>

#include "absl/strings/string_view.h"

namespace orch::git {

// `path` unchanged when it is printable ASCII without '"' or '\'; otherwise
// in double quotes, C style, as git's quote_c_style (core.quotePath on) and
// libgit2's patch writer do: \a \b \t \n \v \f \r \" \\, and every other
// byte below 0x20 or above 0x7e as three octal digits (\033). The result
// holds no control byte.
std::string QuoteGitPath(absl::string_view path);

}  // namespace orch::git

#endif  // ORCH_GIT_QUOTED_PATH_H_

// The one escaping every human-facing output applies to text that came from
// a user, an event or a repository: terminal timelines and status pages,
// error messages, status.md and status.html (docs/cli.md, "Escaping").
//
// A note or title may carry ESC, BEL or CR: printed raw, they retitle the
// terminal, clear the screen or overwrite a line; a newline forges lines of
// its own. They are shown in a visible form instead:
//   \n \r \t                  newline, carriage return, tab
//   \x1b                      any other C0 control character, and DEL (\x7f)
//   \u0085                    C1 controls (U+0080..U+009F), the line and
//                             paragraph separators U+2028/U+2029, and the
//                             bidirectional controls (U+061C, U+200E,
//                             U+200F, U+202A..U+202E, U+2066..U+2069), which
//                             reorder what a terminal shows
//   \xff                      a byte that is not part of valid UTF-8
// Everything else, backslashes included, is shown as it is: the visible forms
// are for reading, JSON outputs stay lossless.
#ifndef ORCH_BASE_DISPLAY_TEXT_H_
#define ORCH_BASE_DISPLAY_TEXT_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace orch {

// `text` with every character above replaced by its visible form. Pure;
// thread-safe. The result holds no control character at all.
std::string EscapeForDisplay(absl::string_view text);

// Calls `emit(piece, escaped)` for `text` cut into runs: `escaped` false for
// a run of characters shown as they are, true for one character's visible
// form (as EscapeForDisplay writes it). For renderers (Markdown, HTML) that
// must escape the two kinds differently.
void ForEachDisplayPiece(absl::string_view text, absl::FunctionRef<void(absl::string_view, bool)> emit);

// Is the code point one EscapeForDisplay replaces?
bool NeedsDisplayEscape(char32_t code_point);

}  // namespace orch

#endif  // ORCH_BASE_DISPLAY_TEXT_H_

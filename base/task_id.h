// The grammar of task ids, in one place (docs/events.md, "Task ids"):
//
//   task-id = 1*128 id-char
//   id-char = ALPHA / DIGIT / "-" / "_" / "." / ":" / "/" / "@" / "+"
//
// ASCII only, like git's ref names are restricted: an id is typed in shells,
// used in branch names and shown in terminals and Markdown tables, so control
// characters, spaces, zero-width and look-alike (non-ASCII) letters are
// refused where an id enters the log (orch emit, its JSON forms, import).
#ifndef ORCH_BASE_TASK_ID_H_
#define ORCH_BASE_TASK_ID_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace orch {

inline constexpr size_t kMaxTaskIdLength = 128;

// Is `c` one of the characters a task id may hold?
bool IsTaskIdChar(char c);

// OK when `id` follows the grammar. Otherwise InvalidArgument naming the
// id and the first offending character: printable ASCII quoted ('#'),
// anything else as U+XXXX (a byte that is not UTF-8 as 0xFF), with its
// 1-based character position; or the length when it is empty or too long.
absl::Status CheckTaskId(absl::string_view id);

}  // namespace orch

#endif  // ORCH_BASE_TASK_ID_H_

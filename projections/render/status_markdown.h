// status.md: the StatusView for people. Every string from an event is
// escaped, so a title cannot inject markup or break a table.
#ifndef ORCH_PROJECTIONS_RENDER_STATUS_MARKDOWN_H_
#define ORCH_PROJECTIONS_RENDER_STATUS_MARKDOWN_H_

#include <string>

#include "absl/strings/string_view.h"
#include "projections/status_view.h"

namespace orch {

// Deterministic; ends in a newline.
std::string RenderStatusMarkdown(const StatusView& view);

// Backslash-escapes Markdown syntax (table-safe: '|' too), shows control
// characters in their visible form ("\\n" renders as \n, never a line
// break) and neutralises what would open a block at the start of a line
// ("- ", "1. ", "=", leading spaces).
std::string MarkdownEscape(absl::string_view text);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_RENDER_STATUS_MARKDOWN_H_

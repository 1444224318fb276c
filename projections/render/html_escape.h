// Escaping for HTML text, attribute values and inline SVG.
#ifndef ORCH_PROJECTIONS_RENDER_HTML_ESCAPE_H_
#define ORCH_PROJECTIONS_RENDER_HTML_ESCAPE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace orch {

// & < > " ' become entities; control characters (newline and tab too),
// bidirectional controls and bytes that are not UTF-8 are shown in their
// visible form (base/display_text.h: "\x1b", "\n"), so the page says what
// the event holds and stays valid XML for inline SVG. Safe in element
// content and quoted attributes.
std::string HtmlEscape(absl::string_view text);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_RENDER_HTML_ESCAPE_H_

// Escaping for HTML text, attribute values and inline SVG.
#ifndef ORCH_PROJECTIONS_RENDER_HTML_ESCAPE_H_
#define ORCH_PROJECTIONS_RENDER_HTML_ESCAPE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace orch {

// & < > " ' become entities; other control characters but tab and
// newline are dropped. Safe in element content and quoted attributes.
std::string HtmlEscape(absl::string_view text);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_RENDER_HTML_ESCAPE_H_

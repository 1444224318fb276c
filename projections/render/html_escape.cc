#include "projections/render/html_escape.h"

#include "base/display_text.h"

namespace orch {

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  ForEachDisplayPiece(text, [&out](absl::string_view piece, bool escaped) {
    if (escaped) {  // a control character's visible form: ASCII, no markup
      out.append(piece.data(), piece.size());
      return;
    }
    for (char c : piece) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        default:
          out.push_back(c);
      }
    }
  });
  return out;
}

}  // namespace orch

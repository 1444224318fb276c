#include "base/display_text.h"

#include "absl/strings/str_format.h"
#include "base/utf8.h"

namespace orch {

namespace {

std::string VisibleForm(char32_t cp) {
  switch (cp) {
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    default:
      break;
  }
  if (cp < 0x80) return absl::StrFormat("\\x%02x", static_cast<unsigned>(cp));
  return absl::StrFormat("\\u%04x", static_cast<unsigned>(cp));
}

}  // namespace

bool NeedsDisplayEscape(char32_t cp) {
  if (cp < 0x20 || cp == 0x7f) return true;       // C0 controls, DEL
  if (cp >= 0x80 && cp <= 0x9f) return true;      // C1 controls
  if (cp == 0x2028 || cp == 0x2029) return true;  // line / paragraph separator
  // Bidirectional controls ("Trojan Source"): they reorder the display.
  if (cp == 0x061c || cp == 0x200e || cp == 0x200f) return true;
  if (cp >= 0x202a && cp <= 0x202e) return true;
  if (cp >= 0x2066 && cp <= 0x2069) return true;
  return false;
}

void ForEachDisplayPiece(absl::string_view text, absl::FunctionRef<void(absl::string_view, bool)> emit) {
  size_t run = 0;  // start of the current run of plain characters
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    const size_t n = DecodeUtf8(text.substr(i), &cp);
    if (n != 0 && !NeedsDisplayEscape(cp)) {
      i += n;
      continue;
    }
    if (i > run) emit(text.substr(run, i - run), false);
    if (n == 0) {
      emit(absl::StrFormat("\\x%02x", static_cast<unsigned char>(text[i])), true);
      i += 1;
    } else {
      emit(VisibleForm(cp), true);
      i += n;
    }
    run = i;
  }
  if (i > run) emit(text.substr(run, i - run), false);
}

std::string EscapeForDisplay(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  ForEachDisplayPiece(text,
                      [&out](absl::string_view piece, bool) { out.append(piece.data(), piece.size()); });
  return out;
}

}  // namespace orch

#include "git/quoted_path.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace orch::git {

namespace {

bool NeedsQuote(unsigned char c) { return c == '"' || c == '\\' || c < ' ' || c > '~'; }

}  // namespace

std::string QuoteGitPath(absl::string_view path) {
  if (std::none_of(path.begin(), path.end(),
                   [](char c) { return NeedsQuote(static_cast<unsigned char>(c)); })) {
    return std::string(path);
  }
  std::string out = "\"";
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\v':
        out += "\\v";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (NeedsQuote(c)) {
          absl::StrAppendFormat(&out, "\\%03o", c);
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace orch::git

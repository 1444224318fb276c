#include "base/task_id.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/display_text.h"
#include "base/utf8.h"

namespace orch {

namespace {

constexpr char kGrammar[] = "task ids are 1 to 128 characters of A-Z a-z 0-9 - _ . : / @ +";

}  // namespace

bool IsTaskIdChar(char c) {
  if (absl::ascii_isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case '-':
    case '_':
    case '.':
    case ':':
    case '/':
    case '@':
    case '+':
      return true;
    default:
      return false;
  }
}

absl::Status CheckTaskId(absl::string_view id) {
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat("empty task id: ", kGrammar));
  size_t position = 0;  // characters, 1-based once counted
  size_t i = 0;
  while (i < id.size()) {
    ++position;
    if (IsTaskIdChar(id[i])) {
      ++i;
      continue;
    }
    char32_t cp = 0;
    const size_t n = DecodeUtf8(id.substr(i), &cp);
    std::string what;
    if (n == 0) {
      what = absl::StrFormat("byte 0x%02X (not UTF-8)", static_cast<unsigned char>(id[i]));
    } else if (cp > 0x20 && cp < 0x7f) {
      what = absl::StrFormat("'%c' (U+%04X)", static_cast<char>(cp), static_cast<unsigned>(cp));
    } else {
      what = absl::StrFormat("U+%04X", static_cast<unsigned>(cp));
    }
    return absl::InvalidArgumentError(absl::StrCat("bad task id '", EscapeForDisplay(id), "': ", what,
                                                   " at character ", position, " is not allowed; ",
                                                   kGrammar));
  }
  if (id.size() > kMaxTaskIdLength) {
    return absl::InvalidArgumentError(absl::StrCat("bad task id '", id.substr(0, 40), "...': ", id.size(),
                                                   " characters is longer than ", kMaxTaskIdLength, "; ",
                                                   kGrammar));
  }
  return absl::OkStatus();
}

}  // namespace orch

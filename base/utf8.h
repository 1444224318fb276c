// UTF-8 validation for text that reaches an event or a JSON document:
// nlohmann::json refuses to dump invalid UTF-8 (it throws), and a log of
// text no reader can decode is not a record anyone can use.
#ifndef ORCH_BASE_UTF8_H_
#define ORCH_BASE_UTF8_H_

#include <cstddef>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace orch {

// The byte offset of the first byte that does not start a well-formed
// UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF), or nullopt when all of `text` is valid. Pure; thread-safe.
std::optional<size_t> FirstInvalidUtf8(absl::string_view text);

// The length of the well-formed sequence at the start of `text`, or 0 when
// it does not start with one (or is empty). `*code_point` gets its value.
size_t DecodeUtf8(absl::string_view text, char32_t* code_point);

// OK when `text` is valid UTF-8; else InvalidArgument
// "invalid UTF-8 in <what> at byte <offset>".
absl::Status CheckUtf8(absl::string_view text, absl::string_view what);

}  // namespace orch

#endif  // ORCH_BASE_UTF8_H_

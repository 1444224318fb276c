// Parsing foreign JSON with errors a person can act on: the file, the line
// and the column of malformed text, and the path of a value of the wrong
// type. Shared by the readers of the predecessor's files.
#ifndef ORCH_IMPORTER_JSON_TEXT_H_
#define ORCH_IMPORTER_JSON_TEXT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace orch::importer {

// The document in `text`, parsed strictly (base/strict_json.h: no key
// twice in one object, bounded depth). InvalidArgument "NAME: line L,
// column C: malformed JSON: WHY" for malformed JSON (truncated, invalid
// UTF-8, ...), `line_offset` added to the line (for one line of a JSONL
// file, its line number - 1); strict_json's message naming `what` for the
// rest.
absl::StatusOr<nlohmann::json> ParseJsonText(absl::string_view text, absl::string_view name, int line_offset,
                                             absl::string_view what);

// Go's word for the JSON type of `v`: string, number, bool, null, array,
// object.
std::string JsonTypeName(const nlohmann::json& v);

// InvalidArgument "WHERE: TYPE where EXPECTED belongs (VALUE)".
absl::Status WrongType(absl::string_view where, const nlohmann::json& v, absl::string_view expected);

// RFC3339 text at `where` as Unix nanoseconds; InvalidArgument naming
// `where` and the text otherwise.
absl::StatusOr<int64_t> TimeAt(absl::string_view where, const std::string& text);

}  // namespace orch::importer

#endif  // ORCH_IMPORTER_JSON_TEXT_H_

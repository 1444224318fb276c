// Parsing JSON that comes from outside (orch emit --json / --jsonl) without
// trusting it: nlohmann's DOM parser accepts duplicate keys (the last one
// silently wins) and builds documents of any depth, whose recursive dump and
// destruction overflow the stack. This parser reads through nlohmann's SAX
// interface, which does not recurse, and checks depth, duplicate keys and
// UTF-8 before any value is built.
#ifndef ORCH_BASE_STRICT_JSON_H_
#define ORCH_BASE_STRICT_JSON_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace orch {

// Deepest nesting accepted: an event is an object holding a payload object
// holding lists, so 64 leaves room and bounds the work.
inline constexpr size_t kMaxJsonDepth = 64;

// Parses exactly one JSON document. InvalidArgument, naming `what` (e.g.
// "--json", "line 3 of --jsonl"), for: malformed JSON (with the byte offset
// and the start of the text), invalid UTF-8 (with the field it is in and
// the byte offset), nesting deeper than kMaxJsonDepth, or a key given twice
// in one object (with its path, e.g. "payload.commit"). Pure; thread-safe.
absl::StatusOr<nlohmann::json> ParseJsonStrict(absl::string_view text, absl::string_view what);

}  // namespace orch

#endif  // ORCH_BASE_STRICT_JSON_H_

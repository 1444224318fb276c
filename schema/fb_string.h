// The one null-safe reading of a FlatBuffers string: an absent field (a
// null pointer) reads as empty. Every layer that reads events or wire
// messages uses it instead of its own copy.
#ifndef ORCH_SCHEMA_FB_STRING_H_
#define ORCH_SCHEMA_FB_STRING_H_

#include <string>

#include "absl/strings/string_view.h"
#include "flatbuffers/flatbuffers.h"

namespace orch {

// A view of `s`'s bytes, valid as long as the buffer holding them.
inline absl::string_view FbStr(const flatbuffers::String* s) {
  return s == nullptr ? absl::string_view() : absl::string_view(s->data(), s->size());
}

// The same, copied.
inline std::string FbString(const flatbuffers::String* s) { return std::string(FbStr(s)); }

}  // namespace orch

#endif  // ORCH_SCHEMA_FB_STRING_H_

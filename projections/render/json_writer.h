// JsonWriter: writes JSON straight into a string, byte for byte as
// nlohmann::json::dump(2, ' ', false, error_handler_t::replace) prints the
// same document, without building the document first.
//
// The ledger of 10k tasks is tens of megabytes of JSON: as a DOM it costs
// millions of allocations; streamed it costs one growing buffer. The
// equivalence is tested (ledger_json_test.cc) against the DOM form.
//
// Usage mirrors the document: BeginObject(), Key("a"), String("x"), ...,
// EndObject(). Inside an object every value follows a Key(); inside an array
// values follow one another. Misuse is not detected.
//
// Strings: printable ASCII is copied as it is; anything else (control
// characters, quotes, backslashes, UTF-8, invalid bytes) goes through
// nlohmann's own escaping, so the bytes cannot differ from the DOM's.
#ifndef ORCH_PROJECTIONS_RENDER_JSON_WRITER_H_
#define ORCH_PROJECTIONS_RENDER_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace orch {

class JsonWriter {
 public:
  // Appends to `out`, which must outlive the writer.
  explicit JsonWriter(std::string* out) : out_(out) {}

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // Starts a member of the current object; `key` is written as it is (keys
  // are the writer's own ASCII names, never event text).
  void Key(absl::string_view key);

  void String(absl::string_view s);
  void Int(int64_t v);
  void UInt(uint64_t v);
  void Bool(bool v);
  void Null();
  // A list of strings as an array.
  void Strings(const std::vector<std::string>& items);

 private:
  // Before a value: the separator and indentation inside an array.
  void BeforeValue();
  void Indent(size_t depth);

  std::string* out_;
  // One entry per open object or array: true until its first member.
  std::vector<bool> first_;
  std::vector<bool> is_array_;
};

}  // namespace orch

#endif  // ORCH_PROJECTIONS_RENDER_JSON_WRITER_H_

#include "importer/json_text.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/strict_json.h"
#include "base/time_text.h"

namespace orch::importer {

namespace {

using nlohmann::json;

// A SAX handler that accepts everything and keeps the first error: a second
// pass over text the parser refused, to learn where and why without
// exceptions.
class ErrorFinder : public nlohmann::json_sax<json> {
 public:
  size_t position = 0;
  std::string message;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t pos, const std::string&, const nlohmann::detail::exception& ex) override {
    position = pos;
    message = ex.what();
    return false;
  }
};

// "[json.exception.parse_error.101] parse error at line 1, column 5: syntax
// error while parsing value - unexpected end of input; ..." -> the part
// after the position.
std::string Reason(const std::string& what) {
  const size_t column = what.find("column ");
  const size_t colon = column == std::string::npos ? std::string::npos : what.find(": ", column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

absl::StatusOr<json> ParseJsonText(absl::string_view text, absl::string_view name, int line_offset,
                                   absl::string_view what) {
  auto strict = ParseJsonStrict(text, what);
  if (strict.ok()) return strict;
  // Malformed text is named by line and column (a SAX pass: no document is
  // built); a key given twice or a document too deep, by strict_json.
  ErrorFinder finder;
  if (json::sax_parse(text.begin(), text.end(), &finder)) return strict.status();
  // The parser counts the byte it stopped at; a truncated file stops at its end.
  const size_t at = std::min(finder.position == 0 ? 0 : finder.position - 1, text.size());
  const absl::string_view before = text.substr(0, at);
  const int line = static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1 + line_offset;
  const size_t last_newline = before.rfind('\n');
  const size_t column = last_newline == absl::string_view::npos ? at + 1 : at - last_newline;
  return absl::InvalidArgumentError(
      absl::StrCat(name, ": line ", line, ", column ", column, ": malformed JSON: ", Reason(finder.message)));
}

std::string JsonTypeName(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "bool";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

absl::Status WrongType(absl::string_view where, const json& v, absl::string_view expected) {
  std::string shown = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
  return absl::InvalidArgumentError(
      absl::StrCat(where, ": ", JsonTypeName(v), " where ", expected, " belongs (", shown, ")"));
}

absl::StatusOr<int64_t> TimeAt(absl::string_view where, const std::string& text) {
  auto t = ParseRfc3339(text);
  if (!t.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": bad time '", text, "': expected RFC3339 such as 2026-11-20T22:01:00Z"));
  }
  return *t;
}

}  // namespace orch::importer

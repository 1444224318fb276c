#include "base/strict_json.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/utf8.h"

namespace orch {

namespace {

using Json = nlohmann::json;

// Builds the document from SAX events, as nlohmann's own DOM builder does,
// but refuses what ParseJsonStrict refuses. Containers open on `stack_` are
// stable in memory: a parent gains no new element while a child is open.
class StrictBuilder {
 public:
  explicit StrictBuilder(Json* root) : root_(root) {}

  bool null() { return Put(Json(nullptr)); }
  bool boolean(bool v) { return Put(Json(v)); }
  bool number_integer(Json::number_integer_t v) { return Put(Json(v)); }
  bool number_unsigned(Json::number_unsigned_t v) { return Put(Json(v)); }
  bool number_float(Json::number_float_t v, const Json::string_t&) { return Put(Json(v)); }
  bool string(Json::string_t& v) { return Put(Json(std::move(v))); }
  bool binary(Json::binary_t&) { return Fail("binary values are not JSON"); }

  bool start_object(size_t) { return Open(Json::object()); }
  bool start_array(size_t) { return Open(Json::array()); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(Json::string_t& k) {
    Frame& top = stack_.back();
    if (top.container->contains(k)) {
      return Fail(absl::StrCat("duplicate key \"", Path(k), "\""));
    }
    top.key = std::move(k);
    top.awaiting_value = true;
    return true;
  }

  bool parse_error(size_t position, const std::string&, const nlohmann::detail::exception& e) {
    error_position_ = position;
    parse_error_ = e.what();
    return false;
  }

  // Where the parser stood: the field a string being read belongs to.
  std::string CurrentField() const {
    if (stack_.empty()) return "the document";
    const Frame& top = stack_.back();
    if (top.container->is_object() && !top.awaiting_value) {
      return stack_.size() == 1 ? "a key" : absl::StrCat("a key of \"", PathOfOpen(), "\"");
    }
    return absl::StrCat("\"", Path(top.container->is_array() ? "" : top.key), "\"");
  }

  const std::optional<std::string>& failure() const { return failure_; }
  const std::optional<size_t>& error_position() const { return error_position_; }
  const std::string& parse_error() const { return parse_error_; }

 private:
  struct Frame {
    Json* container;
    std::string key;  // objects: the key whose value comes next
    bool awaiting_value = false;
  };

  // "payload.files[2]" for the value under `key` (or the next array item).
  std::string Path(absl::string_view key) const {
    std::string out = PathOfOpen();
    const Frame& top = stack_.back();
    if (top.container->is_array()) {
      absl::StrAppend(&out, "[", top.container->size(), "]");
    } else {
      absl::StrAppend(&out, out.empty() ? "" : ".", key);
    }
    return out;
  }

  // The path of the innermost open container.
  std::string PathOfOpen() const {
    std::string out;
    for (size_t i = 0; i + 1 < stack_.size(); ++i) {
      const Frame& f = stack_[i];
      if (f.container->is_array()) {
        absl::StrAppend(&out, "[", f.container->size() - 1, "]");
      } else {
        absl::StrAppend(&out, out.empty() ? "" : ".", f.key);
      }
    }
    return out;
  }

  bool Fail(std::string why) {
    failure_ = std::move(why);
    return false;
  }

  // Places `v` where the parser stands; returns it.
  Json* Place(Json v) {
    if (stack_.empty()) {
      *root_ = std::move(v);
      return root_;
    }
    Frame& top = stack_.back();
    if (top.container->is_array()) {
      top.container->push_back(std::move(v));
      return &top.container->back();
    }
    top.awaiting_value = false;
    Json& slot = (*top.container)[top.key];
    slot = std::move(v);
    return &slot;
  }

  bool Put(Json v) {
    Place(std::move(v));
    return true;
  }

  bool Open(Json empty) {
    if (stack_.size() >= kMaxJsonDepth) {
      return Fail(absl::StrCat("nesting deeper than ", kMaxJsonDepth, " levels"));
    }
    Json* c = Place(std::move(empty));
    stack_.push_back(Frame{c, "", false});
    return true;
  }

  bool Close() {
    stack_.pop_back();
    return true;
  }

  Json* root_;
  std::vector<Frame> stack_;
  std::optional<std::string> failure_;
  std::optional<size_t> error_position_;
  std::string parse_error_;
};

// The start of `text` for an error message, cut at a character boundary.
std::string Excerpt(absl::string_view text) {
  constexpr size_t kMax = 60;
  if (text.size() <= kMax) return std::string(text);
  size_t end = kMax;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return absl::StrCat(text.substr(0, end), "...");
}

}  // namespace

absl::StatusOr<nlohmann::json> ParseJsonStrict(absl::string_view text, absl::string_view what) {
  Json root;
  StrictBuilder builder(&root);
  const bool ok = Json::sax_parse(text.begin(), text.end(), &builder, nlohmann::detail::input_format_t::json,
                                  /*strict=*/true, /*ignore_comments=*/false);
  if (ok) return root;
  if (builder.failure()) {
    return absl::InvalidArgumentError(absl::StrCat("bad JSON in ", what, ": ", *builder.failure()));
  }
  // nlohmann's lexer stops at the first byte that is not UTF-8, inside the
  // string it was reading: name that string's field and the byte.
  const std::optional<size_t> bad_utf8 = FirstInvalidUtf8(text);
  const size_t at = builder.error_position().value_or(0);
  if (bad_utf8 && *bad_utf8 <= at) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid UTF-8 in ", what, ": in ", builder.CurrentField(), " at byte ", *bad_utf8));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("malformed JSON in ", what, " at byte ", at > 0 ? at - 1 : 0, ": '", Excerpt(text), "'"));
}

}  // namespace orch

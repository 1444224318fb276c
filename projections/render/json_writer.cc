#include "projections/render/json_writer.h"

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace orch {

namespace {

// Bytes nlohmann copies unchanged: printable ASCII except '"' and '\\'
// (0x7f included: it escapes only below 0x20 when ensure_ascii is off).
bool Plain(absl::string_view s) {
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\') return false;
  }
  return true;
}

}  // namespace

void JsonWriter::Indent(size_t depth) { out_->append(2 * depth, ' '); }

void JsonWriter::BeforeValue() {
  if (first_.empty() || !is_array_.back()) return;  // top level, or after Key()
  out_->append(first_.back() ? "\n" : ",\n");
  first_.back() = false;
  Indent(first_.size());
}

void JsonWriter::BeginObject() {
  BeforeValue();
  out_->push_back('{');
  first_.push_back(true);
  is_array_.push_back(false);
}

void JsonWriter::BeginArray() {
  BeforeValue();
  out_->push_back('[');
  first_.push_back(true);
  is_array_.push_back(true);
}

void JsonWriter::EndObject() { EndArray(); }

void JsonWriter::EndArray() {
  const bool empty = first_.back();
  const char close = is_array_.back() ? ']' : '}';
  first_.pop_back();
  is_array_.pop_back();
  if (!empty) {
    out_->push_back('\n');
    Indent(first_.size());
  }
  out_->push_back(close);
}

void JsonWriter::Key(absl::string_view key) {
  out_->append(first_.back() ? "\n" : ",\n");
  first_.back() = false;
  Indent(first_.size());
  out_->push_back('"');
  out_->append(key.data(), key.size());
  out_->append("\": ");
}

void JsonWriter::String(absl::string_view s) {
  BeforeValue();
  if (Plain(s)) {
    out_->push_back('"');
    out_->append(s.data(), s.size());
    out_->push_back('"');
    return;
  }
  out_->append(nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void JsonWriter::Int(int64_t v) {
  BeforeValue();
  absl::StrAppend(out_, v);
}

void JsonWriter::UInt(uint64_t v) {
  BeforeValue();
  absl::StrAppend(out_, v);
}

void JsonWriter::Bool(bool v) {
  BeforeValue();
  out_->append(v ? "true" : "false");
}

void JsonWriter::Null() {
  BeforeValue();
  out_->append("null");
}

void JsonWriter::Strings(const std::vector<std::string>& items) {
  BeginArray();
  for (const std::string& s : items) String(s);
  EndArray();
}

}  // namespace orch

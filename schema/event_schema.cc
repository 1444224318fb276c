#include "schema/event_schema.h"

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "base/status_macros.h"
#include "base/time_text.h"
#include "base/utf8.h"

namespace orch {
namespace schema {
extern const char kSchemaText[];
}

namespace {

std::string JoinDoc(const std::vector<std::string>& lines) {
  std::vector<std::string> parts;
  for (const auto& l : lines) parts.push_back(std::string(absl::StripAsciiWhitespace(l)));
  return absl::StrJoin(parts, " ");
}

// One spelling per field on the command line. Where a verb long said a
// field otherwise than the kebab of its name, the verb's word is the flag
// of both the verb and `orch emit TYPE`, and the other spelling stays
// accepted on both (`orch dispatch --package` and `orch emit dispatched
// --package-id` each take either). By field name, in every event type.
struct Spelling {
  const char* field;
  const char* flag;
  const char* also;
};
constexpr Spelling kSpellings[] = {
    {"package_id", "package", "package-id"},
    {"gates", "gate", "gates"},
    {"expected_evidence", "expected-evidence", "evidence-expected"},
    {"runtime_budget_minutes", "max-runtime", "runtime-budget-minutes"},
    {"review_budget_minutes", "review-budget", "review-budget-minutes"},
    {"self_review_path", "self-review", "self-review-path"},
    {"package_switch_reason", "switch-reason", "package-switch-reason"},
};

// Other words for enum values, by enum: the predecessor's ledger says
// `drain` for the run mode orch calls `draining`.
struct ValueAlias {
  const char* enum_name;
  const char* alias;
  const char* value;
};
constexpr ValueAlias kValueAliases[] = {
    {"RunMode", "drain", "draining"},
};

FieldKind KindOf(const flatbuffers::FieldDef& f) {
  const auto& t = f.value.type;
  if (t.base_type == flatbuffers::BASE_TYPE_STRING) return FieldKind::kString;
  if (t.base_type == flatbuffers::BASE_TYPE_VECTOR) return FieldKind::kStringList;
  if (t.base_type == flatbuffers::BASE_TYPE_BOOL) return FieldKind::kBool;
  if (t.enum_def != nullptr) return FieldKind::kEnum;
  if (absl::EndsWith(f.name, "_at")) return FieldKind::kTime;
  if (absl::EndsWith(f.name, "_seconds")) return FieldKind::kDuration;
  if (absl::EndsWith(f.name, "_minutes")) return FieldKind::kMinutes;
  return FieldKind::kInt;
}

absl::Status BadValue(const EventTypeInfo& info, const PayloadField& f, const nlohmann::json& v,
                      absl::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat("bad value ", v.dump(), " for ", info.name, " --", f.flag, ": expected ", expected));
}

// An integer in int64 range: 2^64-1 must not wrap to -1, 1.5 is no integer.
absl::StatusOr<int64_t> IntFrom(const nlohmann::json& v) {
  int64_t n = 0;
  if (v.is_number_unsigned()) {
    if (v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return absl::InvalidArgumentError("too large");
    return v.get<int64_t>();
  }
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string() && absl::SimpleAtoi(v.get<std::string>(), &n)) return n;
  return absl::InvalidArgumentError("not an integer");
}

// Text from git (file names, commit messages) or any other source may not
// be UTF-8; the JSON the event is built through cannot hold it.
absl::Status CheckContentUtf8(const EventContent& c) {
  for (const auto& [name, text] : {std::pair<const char*, const std::string*>{"task", &c.task},
                                   {"actor", &c.actor},
                                   {"idempotency_key", &c.idempotency_key},
                                   {"evidence", &c.evidence},
                                   {"note", &c.note}}) {
    ORCH_RETURN_IF_ERROR(CheckUtf8(*text, name));
  }
  if (!c.payload.is_object()) return absl::OkStatus();
  for (const auto& [key, value] : c.payload.items()) {
    ORCH_RETURN_IF_ERROR(CheckUtf8(key, "a payload key"));
    if (value.is_string()) ORCH_RETURN_IF_ERROR(CheckUtf8(value.get_ref<const std::string&>(), key));
    if (!value.is_array()) continue;
    for (size_t i = 0; i < value.size(); ++i) {
      if (value[i].is_string()) {
        ORCH_RETURN_IF_ERROR(
            CheckUtf8(value[i].get_ref<const std::string&>(), absl::StrCat(key, " value ", i + 1)));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status BadEvidence(absl::string_view what, absl::string_view label) {
  return absl::InvalidArgumentError(
      absl::StrCat("bad evidence label '", label, "' for ", what,
                   ": use one of blocked, static, local, proxy, direct, pre, prod"));
}

}  // namespace

const PayloadField* EventTypeInfo::FindField(absl::string_view name) const {
  for (const auto& f : fields) {
    if (f.name == name || f.flag == name) return &f;
    for (const std::string& a : f.flag_aliases) {
      if (a == name) return &f;
    }
  }
  return nullptr;
}

std::string PayloadField::CanonicalValue(absl::string_view given) const {
  for (const auto& [alias, value] : value_aliases) {
    if (alias == given) return value;
  }
  return std::string(given);
}

std::string ToKebab(absl::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (i > 0) out.push_back('-');
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else {
      out.push_back(c == '_' ? '-' : c);
    }
  }
  return out;
}

std::string ToSnake(absl::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c == '-') c = '_';
  }
  return out;
}

const std::vector<std::string>& EvidenceLabels() {
  static const auto* labels =
      new std::vector<std::string>{"blocked", "static", "local", "proxy", "direct", "pre", "prod"};
  return *labels;
}

int EvidenceRank(absl::string_view label) {
  if (label.empty()) return 0;
  const auto& labels = EvidenceLabels();
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == label) return static_cast<int>(i) + 1;
  }
  return -1;
}

absl::StatusOr<std::unique_ptr<EventSchema>> EventSchema::Load() {
  std::unique_ptr<EventSchema> s(new EventSchema());
  ORCH_RETURN_IF_ERROR(s->Init());
  return s;
}

absl::Status EventSchema::Init() {
  parser_.opts.strict_json = true;
  parser_.opts.output_default_scalars_in_json = false;
  if (!parser_.Parse(schema::kSchemaText)) {
    return absl::InternalError(absl::StrCat("embedded schema does not parse: ", parser_.error_));
  }
  flatbuffers::EnumDef* payload = parser_.enums_.Lookup("orch.schema.Payload");
  if (payload == nullptr) return absl::InternalError("schema has no Payload union");
  for (const flatbuffers::EnumVal* v : payload->Vals()) {
    if (v->IsZero() || v->union_type.struct_def == nullptr) continue;
    const flatbuffers::StructDef& def = *v->union_type.struct_def;
    EventTypeInfo info;
    info.type = static_cast<EventType>(v->GetAsInt64());
    info.table_name = def.name;
    info.name = ToKebab(def.name);
    info.doc = JoinDoc(def.doc_comment);
    for (const flatbuffers::FieldDef* f : def.fields.vec) {
      if (f->deprecated) continue;
      PayloadField field;
      field.name = f->name;
      field.flag = ToKebab(f->name);
      for (const Spelling& s : kSpellings) {
        if (f->name == s.field) {
          field.flag = s.flag;
          field.flag_aliases.push_back(s.also);
        }
      }
      field.kind = KindOf(*f);
      field.doc = JoinDoc(f->doc_comment);
      if (field.kind == FieldKind::kEnum) {
        const flatbuffers::EnumDef& def = *f->value.type.enum_def;
        for (const flatbuffers::EnumVal* ev : def.Vals()) field.enum_values.push_back(ToKebab(ev->name));
        for (const ValueAlias& a : kValueAliases) {
          if (def.name == a.enum_name) field.value_aliases.emplace_back(a.alias, a.value);
        }
      }
      info.fields.push_back(std::move(field));
    }
    types_.push_back(std::move(info));
  }
  return absl::OkStatus();
}

const EventTypeInfo* EventSchema::Find(absl::string_view kebab_name) const {
  for (const auto& t : types_) {
    if (t.name == kebab_name) return &t;
  }
  return nullptr;
}

const EventTypeInfo* EventSchema::Find(EventType type) const {
  for (const auto& t : types_) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

namespace {

// One payload value, checked against its field's kind and put in the
// canonical form the event builder takes. Each returns InvalidArgument
// naming the type, the flag and what was expected.
using Normalized = absl::StatusOr<nlohmann::json>;

Normalized NormalizeString(const EventTypeInfo& info, const PayloadField& f, const nlohmann::json& value) {
  if (!value.is_string()) return BadValue(info, f, value, "a string");
  return value;
}

Normalized NormalizeStringList(const EventTypeInfo& info, const PayloadField& f,
                               const nlohmann::json& value) {
  nlohmann::json list = value.is_array() ? value : nlohmann::json::array({value});
  for (const auto& item : list) {
    if (!item.is_string()) return BadValue(info, f, value, "a list of strings");
  }
  return list;
}

Normalized NormalizeBool(const EventTypeInfo& info, const PayloadField& f, const nlohmann::json& value) {
  if (value.is_boolean()) return value;
  if (value == "true" || value == "false") return nlohmann::json(value == "true");
  return BadValue(info, f, value, "true or false");
}

Normalized NormalizeInt(const EventTypeInfo& info, const PayloadField& f, const nlohmann::json& value) {
  auto n = IntFrom(value);
  if (!n.ok()) return BadValue(info, f, value, "an integer");
  return nlohmann::json(*n);
}

Normalized NormalizeTime(const EventTypeInfo& info, const PayloadField& f, const nlohmann::json& value) {
  if (value.is_number()) {
    auto n = IntFrom(value);
    if (!n.ok() || *n < kMinTimeNs || *n > kMaxTimeNs) {
      return BadValue(info, f, value,
                      absl::StrCat("RFC3339 text or whole nanoseconds since 1970 (0 to ", kMaxTimeNs, ")"));
    }
    return nlohmann::json(*n);
  }
  if (!value.is_string()) return BadValue(info, f, value, "an RFC3339 time");
  auto ns = ParseRfc3339(value.get<std::string>());
  if (!ns.ok()) {
    return BadValue(info, f, value,
                    absl::StrCat("an RFC3339 time such as 2026-11-25T03:00:00Z, from ",
                                 FormatRfc3339(kMinTimeNs), " to 2262-01-01T00:00:00Z"));
  }
  return nlohmann::json(*ns);
}

Normalized NormalizeDuration(const EventTypeInfo& info, const PayloadField& f, const nlohmann::json& value) {
  if (value.is_number()) {
    auto n = IntFrom(value);
    if (!n.ok() || *n < 0 || *n > kMaxDurationSeconds) {
      return BadValue(info, f, value, absl::StrCat("whole seconds from 0 to ", kMaxDurationSeconds));
    }
    return nlohmann::json(*n);
  }
  auto s = value.is_string() ? ParseDurationSeconds(value.get<std::string>())
                             : absl::StatusOr<int64_t>(absl::InvalidArgumentError(""));
  if (!s.ok()) {
    return BadValue(info, f, value,
                    value.is_string()
                        ? absl::StrCat("a duration such as 90s, 15m or 2h (", s.status().message(), ")")
                        : "a duration such as 90s, 15m or 2h");
  }
  return nlohmann::json(*s);
}

Normalized NormalizeMinutes(const EventTypeInfo& info, const PayloadField& f, const nlohmann::json& value) {
  if (value.is_number()) {
    auto n = IntFrom(value);
    if (!n.ok() || *n < 0 || *n > kMaxDurationSeconds / 60) {
      return BadValue(info, f, value, absl::StrCat("whole minutes from 0 to ", kMaxDurationSeconds / 60));
    }
    return nlohmann::json(*n);
  }
  auto m = value.is_string() ? ParseMinutes(value.get<std::string>())
                             : absl::StatusOr<int64_t>(absl::InvalidArgumentError(""));
  if (!m.ok()) return BadValue(info, f, value, "whole minutes such as 90, 25m, 90m or 2h");
  return nlohmann::json(*m);
}

Normalized NormalizeEnum(const EventTypeInfo& info, const PayloadField& f, const nlohmann::json& value) {
  std::string v = value.is_string() ? f.CanonicalValue(ToKebab(value.get<std::string>())) : "";
  bool known = false;
  for (const auto& e : f.enum_values) known = known || e == v;
  if (!known) return BadValue(info, f, value, absl::StrCat("one of ", absl::StrJoin(f.enum_values, ", ")));
  return nlohmann::json(ToSnake(v));
}

Normalized NormalizeValue(const EventTypeInfo& info, const PayloadField& f, const nlohmann::json& value) {
  switch (f.kind) {
    case FieldKind::kString:
      return NormalizeString(info, f, value);
    case FieldKind::kStringList:
      return NormalizeStringList(info, f, value);
    case FieldKind::kBool:
      return NormalizeBool(info, f, value);
    case FieldKind::kInt:
      return NormalizeInt(info, f, value);
    case FieldKind::kTime:
      return NormalizeTime(info, f, value);
    case FieldKind::kDuration:
      return NormalizeDuration(info, f, value);
    case FieldKind::kMinutes:
      return NormalizeMinutes(info, f, value);
    case FieldKind::kEnum:
      return NormalizeEnum(info, f, value);
  }
  return absl::InternalError("unknown field kind");
}

}  // namespace

absl::StatusOr<nlohmann::json> EventSchema::NormalizePayload(const EventTypeInfo& info,
                                                             const nlohmann::json& payload) const {
  nlohmann::json out = nlohmann::json::object();
  if (payload.is_null()) return out;
  if (!payload.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("payload of ", info.name, " must be a JSON object, got ", payload.dump()));
  }
  for (const auto& [key, value] : payload.items()) {
    const PayloadField* f = info.FindField(key);
    if (f == nullptr) {
      std::vector<std::string> names;
      for (const auto& x : info.fields) names.push_back(x.name);
      return absl::InvalidArgumentError(absl::StrCat("unknown field '", key, "' for ", info.name,
                                                     " (fields: ", absl::StrJoin(names, ", "), ")"));
    }
    if (value.is_null()) continue;
    Normalized v = NormalizeValue(info, *f, value);
    if (!v.ok()) return v.status();
    out[f->name] = *std::move(v);
  }
  return out;
}

absl::StatusOr<std::string> EventSchema::BuildEvent(const EventContent& content) {
  const EventTypeInfo* info = Find(content.type);
  if (info == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown event type #", static_cast<int>(content.type)));
  }
  ORCH_RETURN_IF_ERROR(CheckContentUtf8(content));
  ORCH_ASSIGN_OR_RETURN(nlohmann::json payload, NormalizePayload(*info, content.payload));
  if (EvidenceRank(content.evidence) < 0) return BadEvidence("--evidence", content.evidence);
  for (const char* key : {"label", "claimed_evidence", "expected_evidence"}) {
    if (payload.contains(key) && EvidenceRank(payload[key].get<std::string>()) < 0) {
      return BadEvidence(ToKebab(key), payload[key].get<std::string>());
    }
  }
  nlohmann::json fb = nlohmann::json::object();
  auto put = [&fb](const char* key, const std::string& v) {
    if (!v.empty()) fb[key] = v;
  };
  put("task", content.task);
  put("actor", content.actor);
  put("idempotency_key", content.idempotency_key);
  put("evidence", content.evidence);
  put("note", content.note);
  fb["claim"] = schema::EnumNameClaim(content.claim);
  fb["payload_type"] = info->table_name;
  fb["payload"] = payload;
  const std::string text = fb.dump();
  if (!parser_.SetRootType("orch.schema.Event") || !parser_.Parse(text.c_str())) {
    return absl::InvalidArgumentError(
        absl::StrCat("event does not fit the schema: ", parser_.error_, " in ", text.substr(0, 200)));
  }
  const auto& b = parser_.builder_;
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

absl::StatusOr<nlohmann::json> EventSchema::PayloadToJson(const schema::Event& event) {
  const EventTypeInfo* info = Find(event.payload_type());
  if (info == nullptr || event.payload() == nullptr) return nlohmann::json::object();
  std::string text;
  if (!flatbuffers::GenerateTextFromTable(parser_, event.payload(), "orch.schema." + info->table_name,
                                          &text)) {
    return absl::DataLossError(absl::StrCat("payload of ", info->name, " cannot be printed"));
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::DataLossError("payload text is not JSON");
  for (const auto& f : info->fields) {
    // An enum at its first value is not stored, but it is a value: show it.
    if (f.kind == FieldKind::kEnum && !j.contains(f.name)) j[f.name] = f.enum_values.front();
    if (!j.contains(f.name)) continue;
    if (f.kind == FieldKind::kTime && j[f.name].is_number_integer()) {
      j[f.name] = FormatRfc3339(j[f.name].get<int64_t>());
    } else if (f.kind == FieldKind::kEnum && j[f.name].is_string()) {
      j[f.name] = ToKebab(j[f.name].get<std::string>());
    }
  }
  return j;
}

}  // namespace orch

// EventSchema: the vocabulary of schema/events.fbs, read at run time.
//
// The generated header gives typed access to payloads; this class gives the
// generic view the CLI and JSON need: the list of event types with their
// kebab-case names, each type's fields with their docs, building an Event
// FlatBuffer from JSON, and turning one back into JSON. Adding a field or a
// type to events.fbs is enough for `orch emit`, `--json` and `replay` to
// know it.
//
// Thread safety: none. Build one per thread (construction parses the schema,
// well under a millisecond).
#ifndef ORCH_SCHEMA_EVENT_SCHEMA_H_
#define ORCH_SCHEMA_EVENT_SCHEMA_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "events_generated.h"
#include "flatbuffers/idl.h"
#include "nlohmann/json.hpp"

namespace orch {

using EventType = schema::Payload;

// How a payload field is written on the command line and in JSON.
enum class FieldKind {
  kString,
  kStringList,  // repeatable flag, JSON array of strings
  kBool,
  kInt,
  kTime,      // *_at: RFC3339 text, stored as Unix nanoseconds
  kDuration,  // *_seconds: "15m", stored as seconds
  kMinutes,   // *_minutes: "90" or "90m", stored as whole minutes (base/time_text.h ParseMinutes)
  kEnum,      // one of enum_values (kebab-case)
};

struct PayloadField {
  std::string name;  // snake_case, as in the schema and JSON
  // kebab-case, as on the command line: the one spelling a verb and `orch
  // emit TYPE` both show for the field (usually the kebab of `name`; where
  // a verb long said it otherwise, the verb's word, see event_schema.cc).
  std::string flag;
  // Other spellings accepted for the field, on the verb and the raw event
  // alike (old scripts keep working), and as JSON keys.
  std::vector<std::string> flag_aliases;
  FieldKind kind = FieldKind::kString;
  std::vector<std::string> enum_values;  // kebab-case, for kEnum
  // Other words accepted for a value and what each stands for (the
  // predecessor's `drain` for `draining`); the stored value is the latter.
  std::vector<std::pair<std::string, std::string>> value_aliases;
  std::string doc;

  // `given` with an alias replaced by the value it stands for.
  std::string CanonicalValue(absl::string_view given) const;
};

struct EventTypeInfo {
  EventType type = EventType::NONE;
  std::string name;        // kebab-case: "heartbeat-missed"
  std::string table_name;  // "HeartbeatMissed"
  std::string doc;
  std::vector<PayloadField> fields;

  const PayloadField* FindField(absl::string_view snake_or_kebab) const;
};

// What a caller says happened, before the store gives it a place in the log.
struct EventContent {
  EventType type = EventType::NONE;
  std::string task;
  std::string actor;
  schema::Claim claim = schema::Claim::reported;
  std::string idempotency_key;
  std::string evidence;
  std::string note;
  nlohmann::json payload = nlohmann::json::object();  // JSON form, see header comment
};

class EventSchema {
 public:
  // Parses the embedded schema. Internal on failure (a build defect).
  static absl::StatusOr<std::unique_ptr<EventSchema>> Load();

  // All payload types in union order (NONE excluded).
  const std::vector<EventTypeInfo>& types() const { return types_; }
  // nullptr when unknown.
  const EventTypeInfo* Find(absl::string_view kebab_name) const;
  const EventTypeInfo* Find(EventType type) const;

  // Builds a finished Event FlatBuffer. InvalidArgument names the bad field
  // or value (unknown field, wrong type, bad time, unknown enum value).
  absl::StatusOr<std::string> BuildEvent(const EventContent& content);

  // The payload of a verified Event as JSON in the same form BuildEvent
  // takes (times as RFC3339, enums kebab-case); lossless.
  absl::StatusOr<nlohmann::json> PayloadToJson(const schema::Event& event);

  // Our JSON form of one payload -> the FlatBuffers JSON form (times as
  // nanoseconds, enums as identifiers). Exposed for tests.
  absl::StatusOr<nlohmann::json> NormalizePayload(const EventTypeInfo& info,
                                                  const nlohmann::json& payload) const;

 private:
  EventSchema() = default;
  absl::Status Init();

  flatbuffers::Parser parser_;
  std::vector<EventTypeInfo> types_;
};

// Evidence ladder, weakest first: blocked < static < local < proxy < direct
// < pre < prod. Returns -1 for an unknown label; 0 is reserved for "none".
int EvidenceRank(absl::string_view label);
const std::vector<std::string>& EvidenceLabels();

// "HeartbeatMissed" -> "heartbeat-missed"; "changes_requested" -> "changes-requested".
std::string ToKebab(absl::string_view name);
// "changes-requested" -> "changes_requested".
std::string ToSnake(absl::string_view name);

}  // namespace orch

#endif  // ORCH_SCHEMA_EVENT_SCHEMA_H_

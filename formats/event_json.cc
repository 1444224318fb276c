#include "formats/event_json.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/status_macros.h"
#include "base/task_id.h"
#include "base/time_text.h"
#include "eventstore/sha256.h"
#include "schema/fb_string.h"

namespace orch {

namespace {

// Keys only the store assigns: accepted on input so replay output can be
// re-emitted, and ignored.
bool IsAssignedKey(const std::string& k) {
  return k == "seq" || k == "version" || k == "time_ns" || k == "hash" || k == "prev_hash" || k == "anomaly";
}

absl::StatusOr<std::string> StringAt(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::string();
  if (!j[key].is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad value ", j[key].dump(), " for \"", key, "\": expected a string"));
  }
  return j[key].get<std::string>();
}

}  // namespace

absl::StatusOr<nlohmann::json> LoggedEventToJson(EventSchema& schema, const LoggedEvent& e) {
  const schema::Event& ev = e.event();
  nlohmann::json j = nlohmann::json::object();
  j["seq"] = e.seq();
  j["version"] = e.task_version();
  j["at"] = FormatRfc3339(e.time_ns());
  j["time_ns"] = e.time_ns();
  const EventTypeInfo* info = schema.Find(e.type());
  j["type"] = info != nullptr ? info->name : absl::StrCat("type-", static_cast<int>(e.type()));
  j["task"] = std::string(e.task());
  auto put = [&j](const char* key, absl::string_view v) {
    if (!v.empty()) j[key] = std::string(v);
  };
  put("actor", FbStr(ev.actor()));
  j["claim"] = schema::EnumNameClaim(ev.claim());
  put("evidence", FbStr(ev.evidence()));
  put("note", FbStr(ev.note()));
  put("idempotency_key", FbStr(ev.idempotency_key()));
  put("anomaly", e.anomaly());
  ORCH_ASSIGN_OR_RETURN(j["payload"], schema.PayloadToJson(ev));
  j["prev_hash"] = ToHex(e.prev_hash());
  j["hash"] = ToHex(e.hash());
  return j;
}

absl::StatusOr<EventContent> EventContentFromJson(const EventSchema& schema, const nlohmann::json& j) {
  if (!j.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("an event must be a JSON object, got ", j.dump().substr(0, 80)));
  }
  ORCH_ASSIGN_OR_RETURN(std::string type_name, StringAt(j, "type"));
  if (type_name.empty()) return absl::InvalidArgumentError("event has no \"type\"");
  const EventTypeInfo* info = schema.Find(type_name);
  if (info == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown event type '", type_name, "' (see orch emit --help)"));
  }
  EventContent c;
  c.type = info->type;
  ORCH_ASSIGN_OR_RETURN(c.task, StringAt(j, "task"));
  if (!c.task.empty()) ORCH_RETURN_IF_ERROR(CheckTaskId(c.task));
  ORCH_ASSIGN_OR_RETURN(c.actor, StringAt(j, "actor"));
  ORCH_ASSIGN_OR_RETURN(c.evidence, StringAt(j, "evidence"));
  ORCH_ASSIGN_OR_RETURN(c.note, StringAt(j, "note"));
  ORCH_ASSIGN_OR_RETURN(c.idempotency_key, StringAt(j, "idempotency_key"));
  ORCH_ASSIGN_OR_RETURN(std::string claim, StringAt(j, "claim"));
  if (claim.empty() || claim == "reported") {
    c.claim = schema::Claim::reported;
  } else if (claim == "observed") {
    c.claim = schema::Claim::observed;
  } else if (claim == "inferred") {
    c.claim = schema::Claim::inferred;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("bad claim '", claim, "': use reported, observed or inferred"));
  }
  if (j.contains("observed")) {
    if (!j["observed"].is_boolean()) return absl::InvalidArgumentError("\"observed\" must be true or false");
    if (j["observed"].get<bool>()) c.claim = schema::Claim::observed;
  }
  if (j.contains("payload")) c.payload = j["payload"];
  if (!c.payload.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat("\"payload\" must be an object, got ", c.payload.dump()));
  }
  static const char* kEnvelope[] = {
      "type",     "task",    "actor", "evidence",        "note", "idempotency_key", "claim",
      "observed", "payload", "at",    "expected_version"};
  for (const auto& [key, value] : j.items()) {
    bool envelope = IsAssignedKey(key);
    for (const char* k : kEnvelope) envelope = envelope || key == k;
    if (envelope) continue;
    if (info->FindField(key) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown key '", key, "' for ", info->name));
    }
    c.payload[key] = value;
  }
  return c;
}

absl::StatusOr<AppendRequest> AppendRequestFromJson(EventSchema& schema, const nlohmann::json& j) {
  ORCH_ASSIGN_OR_RETURN(EventContent c, EventContentFromJson(schema, j));
  AppendRequest r;
  ORCH_ASSIGN_OR_RETURN(r.event, schema.BuildEvent(c));
  if (j.contains("at") && !j["at"].is_null()) {
    const nlohmann::json& at = j["at"];
    if (at.is_number_unsigned() && at.get<uint64_t>() <= static_cast<uint64_t>(kMaxTimeNs)) {
      r.at_ns = at.get<int64_t>();
    } else if (at.is_number()) {
      // 2^64-1 used to wrap to 1969; negatives and fractions mean nothing.
      return absl::InvalidArgumentError(
          absl::StrCat("bad \"at\" ", at.dump(), ": give RFC3339 text or whole nanoseconds since 1970 (0 to ",
                       kMaxTimeNs, ")"));
    } else if (at.is_string()) {
      ORCH_ASSIGN_OR_RETURN(r.at_ns, ParseRfc3339(at.get<std::string>()));
    } else {
      return absl::InvalidArgumentError(absl::StrCat("bad \"at\" ", at.dump(), ": expected RFC3339"));
    }
  }
  if (j.contains("expected_version") && !j["expected_version"].is_null()) {
    if (!j["expected_version"].is_number_unsigned()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad \"expected_version\" ", j["expected_version"].dump(), ": expected a non-negative integer"));
    }
    r.expected_version = j["expected_version"].get<uint64_t>();
  }
  return r;
}

}  // namespace orch

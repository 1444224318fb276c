// The JSON form of events: what `orch emit --json/--jsonl` reads and what
// `orch replay --format jsonl` writes. The two agree, so a replayed log can
// be emitted into another store (seq, version, hashes and anomaly are the
// new store's to assign and are ignored on input).
//
//   {"seq":12,"version":3,"at":"2026-11-25T03:14:07Z","time_ns":...,
//    "type":"committed","task":"T1","actor":"worker-2","claim":"reported",
//    "evidence":"local","note":"...","idempotency_key":"...","anomaly":"...",
//    "payload":{"commit":"ab12...","files":["src/a.cc"]},
//    "prev_hash":"<hex>","hash":"<hex>"}
//
// On input the payload fields may also stand at the top level, and
// "expected_version" (int) and "observed" (bool) may be given.
#ifndef ORCH_FORMATS_EVENT_JSON_H_
#define ORCH_FORMATS_EVENT_JSON_H_

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "eventstore/logged_event.h"
#include "nlohmann/json.hpp"
#include "schema/event_schema.h"

namespace orch {

// Lossless JSON of a stored event.
absl::StatusOr<nlohmann::json> LoggedEventToJson(EventSchema& schema, const LoggedEvent& e);

// One input object -> an append request. InvalidArgument names the bad key
// or value.
absl::StatusOr<AppendRequest> AppendRequestFromJson(EventSchema& schema, const nlohmann::json& j);

// The envelope + payload of an input object, without building bytes.
absl::StatusOr<EventContent> EventContentFromJson(const EventSchema& schema, const nlohmann::json& j);

}  // namespace orch

#endif  // ORCH_FORMATS_EVENT_JSON_H_

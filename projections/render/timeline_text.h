// One line of the human timeline `orch replay` prints:
//
//   2026-11-25 22:14:07  +3m12s  #12  T1  committed  commit=4f2a9c1d0e files=[a.cc b.cc]  "note"
//
// Local time, the gap since the previous event, sequence, task, type, the
// payload's key fields and the note; anomalies and non-reported claims are
// flagged at the end.
#ifndef ORCH_PROJECTIONS_RENDER_TIMELINE_TEXT_H_
#define ORCH_PROJECTIONS_RENDER_TIMELINE_TEXT_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "eventstore/logged_event.h"
#include "nlohmann/json.hpp"
#include "schema/event_schema.h"

namespace orch {

// `info` is the event's type (nullptr when this binary does not know it);
// `payload` its payload JSON (EventSchema::PayloadToJson); `prev_time_ns`
// the previous printed event's time, if any.
std::string FormatTimelineLine(const LoggedEvent& e, const EventTypeInfo* info, const nlohmann::json& payload,
                               std::optional<int64_t> prev_time_ns, absl::TimeZone zone);

// The payload's key fields in schema order, compact:
// "commit=4f2a9c1d0e files=[a.cc b.cc +3]". Empty lists and false flags
// are left out.
std::string SummarizePayload(const nlohmann::json& payload, const EventTypeInfo* info, size_t max_fields = 5);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_RENDER_TIMELINE_TEXT_H_

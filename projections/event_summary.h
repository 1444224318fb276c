// A one-line summary of an event's key payload fields, read straight from
// the FlatBuffer (no JSON round trip: the fold runs it on every event).
//
//   dispatched   "Checkout form (branch task/t1)"
//   gate         "make test: pass (local)"
//   reviewed     "accepted by lead"
#ifndef ORCH_PROJECTIONS_EVENT_SUMMARY_H_
#define ORCH_PROJECTIONS_EVENT_SUMMARY_H_

#include <string>

#include "events_generated.h"

namespace orch {

// Pure; never fails. Empty when the payload has nothing worth showing.
std::string SummarizeEvent(const schema::Event& event);

// "heartbeat-missed"; "unknown" for a type this binary does not know.
std::string EventTypeName(schema::Payload type);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_EVENT_SUMMARY_H_

// ledger.json: the folded model in the predecessor's ledger layout, so tools
// written for it keep working (docs/ledger.md lists every field and type).
//
// The predecessor's fields have exactly the JSON types its readers demand
// (unknown text is "", never null; every value of a history entry is a
// string); `status` holds its status words (PredecessorStatus) and orch's
// exact state stands beside it as `state`, with orch's other fields under
// names the predecessor does not use.
#ifndef ORCH_PROJECTIONS_RENDER_LEDGER_JSON_H_
#define ORCH_PROJECTIONS_RENDER_LEDGER_JSON_H_

#include <string>

#include "nlohmann/json.hpp"
#include "projections/project_model.h"

namespace orch {

// The ledger format version written in "version".
inline constexpr int kLedgerVersion = 1;

// Pretty-printed (2 spaces), ending in a newline; deterministic. Streamed
// (json_writer.h): no document is built, so a ledger of 10k tasks costs one
// buffer, not millions of allocations.
std::string RenderLedgerJson(const ProjectModel& model);

// Shared with status.json.
nlohmann::ordered_json InspectionToJson(const Inspection& i);
// RFC3339, or "" for 0.
std::string TimeText(int64_t unix_nanos);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_RENDER_LEDGER_JSON_H_

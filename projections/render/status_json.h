// status.json: the StatusView for machines (and golden tests).
#ifndef ORCH_PROJECTIONS_RENDER_STATUS_JSON_H_
#define ORCH_PROJECTIONS_RENDER_STATUS_JSON_H_

#include <string>

#include "projections/status_view.h"

namespace orch {

// Pretty-printed (2 spaces), ending in a newline; deterministic.
std::string RenderStatusJson(const StatusView& view);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_RENDER_STATUS_JSON_H_

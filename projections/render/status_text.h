// The terminal text of `orch status`: the answers first, then the tasks.
// Plain text (no colour, no markup), deterministic, ends in a newline.
#ifndef ORCH_PROJECTIONS_RENDER_STATUS_TEXT_H_
#define ORCH_PROJECTIONS_RENDER_STATUS_TEXT_H_

#include <string>

#include "projections/status_view.h"

namespace orch {

std::string RenderStatusText(const StatusView& view);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_RENDER_STATUS_TEXT_H_

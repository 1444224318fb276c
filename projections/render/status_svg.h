// The night as a picture: an inline SVG timeline with one row per task,
// coloured by the task's state over time, heartbeat ticks on a row of their
// own and missed heartbeats marked in red. Every string is escaped.
#ifndef ORCH_PROJECTIONS_RENDER_STATUS_SVG_H_
#define ORCH_PROJECTIONS_RENDER_STATUS_SVG_H_

#include <string>

#include "absl/strings/string_view.h"
#include "projections/project_model.h"
#include "projections/status_view.h"

namespace orch {

// Most task rows drawn; the task table lists them all.
inline constexpr size_t kSvgRows = 40;

// An <svg> element spanning v.since (or the first event, if later) to v.now,
// with rows for v.tasks. Deterministic.
std::string RenderTimelineSvg(const ProjectModel& model, const StatusView& view);

// The fill colour of a state ("#42a5f5"); also used by the page's legend.
absl::string_view StateColor(TaskState state);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_RENDER_STATUS_SVG_H_

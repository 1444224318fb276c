// status.html: one self-contained page (inline CSS and SVG, no scripts, no
// network), readable on a phone. Sections carry stable ids (next-action,
// glance, active, pending-setup, ready-for-review, needs-human, since,
// left-behind, heartbeats, anomalies, drift, inspections, picture, tasks,
// timeline) so tests and people can find them. Every string from an event
// goes through HtmlEscape.
#ifndef ORCH_PROJECTIONS_RENDER_STATUS_HTML_H_
#define ORCH_PROJECTIONS_RENDER_STATUS_HTML_H_

#include <string>

#include "projections/project_model.h"
#include "projections/status_view.h"

namespace orch {

// `view` must have been built from `model`. Deterministic.
std::string RenderStatusHtml(const ProjectModel& model, const StatusView& view);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_RENDER_STATUS_HTML_H_

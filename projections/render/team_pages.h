// The team pages of `orch status --nats ... --all-projects` and `orch
// export --nats`: a team summary (projects, machines, each chain verified
// or what is wrong with it, and what needs a human across projects), then
// each project's own status page as `orch status` renders it (the same
// renderers, called once per project). Deterministic for a given view.
#ifndef ORCH_PROJECTIONS_RENDER_TEAM_PAGES_H_
#define ORCH_PROJECTIONS_RENDER_TEAM_PAGES_H_

#include <string>

#include "projections/team_view.h"

namespace orch {

std::string RenderTeamText(const TeamView& team);
std::string RenderTeamMarkdown(const TeamView& team);
// {"stream", "now", "needsHuman": [...], "projects": [{"project",
// "machines", "messages", "headSeq", "foldedTo", "verified", "findings",
// "status": <the project's status.json document>}], "unattributed": [...]}
std::string RenderTeamJson(const TeamView& team);
// One self-contained page: the summary, then each project's status.html
// (in an iframe's srcdoc, so its styles stay its own).
std::string RenderTeamHtml(const TeamView& team);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_RENDER_TEAM_PAGES_H_

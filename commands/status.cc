// orch status: what needs a human, what runs, and the next action, folded
// from the log (as text, Markdown, JSON or a self-contained HTML page).
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "commands/projection_common.h"
#include "commands/team_source.h"
#include "commands/verbs.h"
#include "projections/render/status_html.h"
#include "projections/render/status_json.h"
#include "projections/render/status_markdown.h"
#include "projections/render/status_text.h"
#include "projections/render/team_pages.h"

namespace orch {

namespace {

struct StatusOptions {
  ProjectionFlags flags;
  std::string format = "text";
  bool json = false;
  std::string out;
  TeamFlags team;
};

absl::Status RunStatus(const StatusOptions& o, CommandContext& ctx) {
  const std::string format = o.json ? "json" : o.format;
  if (format != "text" && format != "md" && format != "json" && format != "html") {
    return absl::InvalidArgumentError(
        absl::StrCat("bad --format '", format, "': use text, md, json or html"));
  }
  if (!o.team.nats.empty()) {  // the team's stream instead of this store
    ORCH_ASSIGN_OR_RETURN(TeamView team, LoadTeamView(o.team, o.flags, ctx));
    if (format == "text") return WritePage(o.out, RenderTeamText(team), ctx);
    if (format == "md") return WritePage(o.out, RenderTeamMarkdown(team), ctx);
    if (format == "json") return WritePage(o.out, RenderTeamJson(team), ctx);
    return WritePage(o.out, RenderTeamHtml(team), ctx);
  }
  // Only the HTML page's picture needs the tasks' details (transitions);
  // the other pages are rendered without reading them from the checkpoint.
  ORCH_ASSIGN_OR_RETURN(LoadedProjection p, LoadProjection(o.flags, ctx, /*task_details=*/format == "html"));
  const StatusView view = BuildStatusView(p.model, p.now, p.since);
  std::string page;
  if (format == "text") page = RenderStatusText(view);
  if (format == "md") page = RenderStatusMarkdown(view);
  if (format == "json") page = RenderStatusJson(view);
  if (format == "html") page = RenderStatusHtml(p.model, view);
  return WritePage(o.out, page, ctx);
}

}  // namespace

void RegisterStatus(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<StatusOptions> o;
  CLI::App* sub =
      AddVerb(app, "status", "What needs a human, what runs, and the next action", ctx, RunStatus, &o);
  AddProjectionFlags(sub, &o->flags);
  sub->add_option("--format", o->format, "text (default), md, json or html");
  sub->add_flag("--json", o->json, "Same as --format json");
  sub->add_option("--out", o->out, "Write to this file (atomically) instead of stdout");
  AddTeamFlags(sub, &o->team);
  sub->footer(
      "Examples:\n"
      "  orch status                          the answers, for a terminal\n"
      "  orch status --at 03:00               as it was at 3 am\n"
      "  orch status --format html --out status.html\n"
      "  orch status --nats nats://nats.team:4222 --all-projects   the whole team");
}

}  // namespace orch

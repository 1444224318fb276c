// orch export: writes ledger.json, status.md, status.html and status.json
// into a directory as one set, from one log head: the set is built in a
// fresh sibling directory and swapped in with one rename
// (ReplaceDirectoryAtomically), so a reader or a kill never sees files
// from two heads.
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "commands/projection_common.h"
#include "commands/team_source.h"
#include "commands/verbs.h"
#include "eventstore/atomic_file.h"
#include "projections/render/ledger_json.h"
#include "projections/render/status_html.h"
#include "projections/render/status_json.h"
#include "projections/render/status_markdown.h"
#include "projections/render/team_pages.h"

namespace orch {

namespace {

struct ExportOptions {
  ProjectionFlags flags;
  std::string dir;
  TeamFlags team;
};

// The team's pages (team.*) and each project's own (<project>.status.*,
// <project>.ledger.json), one set swapped in as for one store.
absl::Status RunTeamExport(const ExportOptions& o, CommandContext& ctx) {
  ORCH_ASSIGN_OR_RETURN(TeamView team, LoadTeamView(o.team, o.flags, ctx));
  std::vector<NamedContent> files = {{"team.json", RenderTeamJson(team)},
                                     {"team.md", RenderTeamMarkdown(team)},
                                     {"team.html", RenderTeamHtml(team)}};
  for (const TeamProject& p : team.projects) {
    // A file name, whatever the project is called ('/' and a leading '.'
    // cannot reach the path).
    std::string name = p.name;
    for (char& c : name) {
      if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = '_';
    }
    if (name.empty() || name[0] == '.') name.insert(0, "_");
    files.push_back({name + ".ledger.json", RenderLedgerJson(p.model)});
    files.push_back({name + ".status.json", RenderStatusJson(p.view)});
    files.push_back({name + ".status.md", RenderStatusMarkdown(p.view)});
    files.push_back({name + ".status.html", RenderStatusHtml(p.model, p.view)});
  }
  ORCH_RETURN_IF_ERROR(ReplaceDirectoryAtomically(*ctx.env, o.dir, files));
  *ctx.out << "wrote team.json, team.md, team.html and " << team.projects.size() << " projects' pages to "
           << EscapeForDisplay(o.dir) << "\n";
  return absl::OkStatus();
}

absl::Status RunExport(const ExportOptions& o, CommandContext& ctx) {
  if (!o.team.nats.empty()) return RunTeamExport(o, ctx);
  ORCH_ASSIGN_OR_RETURN(LoadedProjection p, LoadProjection(o.flags, ctx));
  const StatusView view = BuildStatusView(p.model, p.now, p.since);
  ORCH_RETURN_IF_ERROR(ReplaceDirectoryAtomically(*ctx.env, o.dir,
                                                  {{"ledger.json", RenderLedgerJson(p.model)},
                                                   {"status.json", RenderStatusJson(view)},
                                                   {"status.md", RenderStatusMarkdown(view)},
                                                   {"status.html", RenderStatusHtml(p.model, view)}}));
  *ctx.out << "wrote ledger.json, status.json, status.md, status.html to " << EscapeForDisplay(o.dir)
           << " (log #" << p.model.head_seq << ")\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterExport(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<ExportOptions> o;
  CLI::App* sub =
      AddVerb(app, "export", "Write ledger.json, status.md, status.html and status.json to a directory", ctx,
              RunExport, &o);
  AddProjectionFlags(sub, &o->flags);
  sub->add_option(
         "--dir", o->dir,
         "Directory export owns: absent, empty, or written by an earlier export; replaced as a whole")
      ->required();
  AddTeamFlags(sub, &o->team);
  sub->footer(
      "Examples:\n"
      "  orch export --dir .orch-status\n"
      "  orch export --at 03:00 --dir /tmp/at-3am\n"
      "  orch export --nats nats://nats.team:4222 --all-projects --dir team-pages");
}

}  // namespace orch

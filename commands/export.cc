// orch export: writes ledger.json, status.md, status.html and status.json
// into a directory as one set, from one log head: the set is built in a
// fresh sibling directory and swapped in with one rename
// (ReplaceDirectoryAtomically), so a reader or a kill never sees files
// from two heads.
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "commands/atomic_files.h"
#include "commands/projection_common.h"
#include "commands/verbs.h"
#include "projections/render/ledger_json.h"
#include "projections/render/status_html.h"
#include "projections/render/status_json.h"
#include "projections/render/status_markdown.h"

namespace orch {

namespace {

struct ExportOptions {
  ProjectionFlags flags;
  std::string dir;
};

absl::Status RunExport(const ExportOptions& o, CommandContext& ctx) {
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
  auto o = std::make_shared<ExportOptions>();
  CLI::App* sub = app.add_subcommand(
      "export", "Write ledger.json, status.md, status.html and status.json to a directory");
  sub->fallthrough();
  AddProjectionFlags(sub, &o->flags);
  sub->add_option(
         "--dir", o->dir,
         "Directory export owns: absent, empty, or written by an earlier export; replaced as a whole")
      ->required();
  sub->footer(
      "Examples:\n"
      "  orch export --dir .orch-status\n"
      "  orch export --at 03:00 --dir /tmp/at-3am");
  sub->callback([o, &ctx]() { ctx.result = RunExport(*o, ctx); });
}

}  // namespace orch

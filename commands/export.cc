// orch export: writes ledger.json, status.md, status.html and status.json
// into a directory, each atomically (temporary file, then rename).
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
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
  std::error_code ec;
  std::filesystem::create_directories(o.dir, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("cannot create --dir ", o.dir, ": ", ec.message()));
  ORCH_ASSIGN_OR_RETURN(LoadedProjection p, LoadProjection(o.flags, ctx));
  const StatusView view = BuildStatusView(p.model, p.now, p.since);
  const std::filesystem::path dir(o.dir);
  ORCH_RETURN_IF_ERROR(WriteFileAtomically((dir / "ledger.json").string(), RenderLedgerJson(p.model)));
  ORCH_RETURN_IF_ERROR(WriteFileAtomically((dir / "status.json").string(), RenderStatusJson(view)));
  ORCH_RETURN_IF_ERROR(WriteFileAtomically((dir / "status.md").string(), RenderStatusMarkdown(view)));
  ORCH_RETURN_IF_ERROR(WriteFileAtomically((dir / "status.html").string(), RenderStatusHtml(p.model, view)));
  *ctx.out << "wrote ledger.json, status.json, status.md, status.html to " << o.dir << " (log #"
           << p.model.head_seq << ")\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterExport(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* sub = app.add_subcommand(
      "export", "Write ledger.json, status.md, status.html and status.json to a directory");
  sub->fallthrough();
  AddProjectionFlags(sub, &o->flags);
  sub->add_option("--dir", o->dir, "Directory to write into (created if missing)")->required();
  sub->footer(
      "Examples:\n"
      "  orch export --dir .orch-status\n"
      "  orch export --at 03:00 --dir /tmp/at-3am");
  sub->callback([o, &ctx]() { ctx.result = RunExport(*o, ctx); });
}

}  // namespace orch

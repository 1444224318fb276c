// orch context: a short Markdown resume for a fresh orchestrator session
// (projections/render/context_markdown.h), to stdout or a file.
#include <memory>

#include "base/status_macros.h"
#include "commands/projection_common.h"
#include "commands/verbs.h"
#include "projections/render/context_markdown.h"

namespace orch {

namespace {

struct ContextOptions {
  ProjectionFlags flags;
  std::string out;
};

absl::Status RunContext(const ContextOptions& o, CommandContext& ctx) {
  ORCH_ASSIGN_OR_RETURN(LoadedProjection p, LoadProjection(o.flags, ctx, /*task_details=*/false));
  return WritePage(o.out, RenderContextMarkdown(p.model, p.now), ctx);
}

}  // namespace

void RegisterContext(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<ContextOptions> o;
  CLI::App* sub = AddVerb(app, "context", "A short Markdown resume for a fresh orchestrator session", ctx,
                          RunContext, &o);
  AddProjectionFlags(sub, &o->flags);
  sub->add_option("--out", o->out, "Write to this file (atomically) instead of stdout");
  sub->footer(
      "Examples:\n  orch context\n  orch context --out .orch-context.md\n"
      "Settings, lane, open tasks (one line each), risks, the next action, what to read first;\n"
      "under 4 KB however long the log. Read-only.");
}

}  // namespace orch

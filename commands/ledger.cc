// orch ledger: the log folded into the predecessor's ledger.json layout
// (docs/ledger.md), for tools written against it.
#include <memory>

#include "base/status_macros.h"
#include "commands/projection_common.h"
#include "commands/verbs.h"
#include "projections/render/ledger_json.h"

namespace orch {

namespace {

struct LedgerOptions {
  ProjectionFlags flags;
  std::string out;
};

absl::Status RunLedger(const LedgerOptions& o, CommandContext& ctx) {
  ORCH_ASSIGN_OR_RETURN(LoadedProjection p, LoadProjection(o.flags, ctx));
  const std::string ledger = RenderLedgerJson(p.model);
  return WritePage(o.out, ledger, ctx);
}

}  // namespace

void RegisterLedger(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<LedgerOptions> o;
  CLI::App* sub = AddVerb(app, "ledger", "Print ledger.json, folded from the log", ctx, RunLedger, &o);
  AddProjectionFlags(sub, &o->flags);
  sub->add_option("--out", o->out, "Write to this file (atomically) instead of stdout");
  sub->footer(
      "Examples:\n"
      "  orch ledger --out .codex-orchestrator/ledger.json\n"
      "  orch ledger --at seq:120 | jq '.tasks[] | {id, status}'");
}

}  // namespace orch

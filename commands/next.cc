// orch next: the one question the loop asks at every wake-up — continue,
// wait, review, inspect or stop dispatching — and why, decided from the
// folded log alone by DecideNextAction (projections/next_action.h), the
// function the status pages show.
#include <memory>

#include "base/display_text.h"
#include "base/status_macros.h"
#include "commands/projection_common.h"
#include "commands/verbs.h"
#include "nlohmann/json.hpp"
#include "projections/next_action.h"

namespace orch {

namespace {

struct NextOptions {
  ProjectionFlags flags;
  bool json = false;
};

absl::Status RunNext(const NextOptions& o, CommandContext& ctx) {
  ORCH_ASSIGN_OR_RETURN(LoadedProjection p, LoadProjection(o.flags, ctx, /*task_details=*/false));
  const NextAction n = DecideNextAction(p.model, p.now);
  if (o.json) {
    *ctx.out << nlohmann::json(
                    {{"action", n.action}, {"rule", n.rule}, {"reason", n.reason}, {"also", n.also}})
                    .dump()
             << "\n";
    return absl::OkStatus();
  }
  *ctx.out << n.action << ": " << EscapeForDisplay(n.reason) << " [" << n.rule << "]\n";
  for (const std::string& a : n.also) *ctx.out << "  also: " << EscapeForDisplay(a) << "\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterNext(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<NextOptions> o;
  CLI::App* sub =
      AddVerb(app, "next", "The next action (continue, wait, review, inspect, stop-dispatching) and why", ctx,
              RunNext, &o);
  AddProjectionFlags(sub, &o->flags);
  sub->add_flag("--json", o->json, "Print {action, rule, reason, also} as JSON");
  sub->footer(
      "Examples:\n  orch next\n  orch next --json | jq -r .action\n"
      "The rules, in order, are in docs/status.md (\"The next action\"). Read-only.");
}

}  // namespace orch

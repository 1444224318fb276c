// orch lane open|close|block PKG: the feature package the loop advances
// (package-opened / package-closed / package-blocked). The project fold
// decides the current lane; lane_rules.h decides which steps are legal
// (LaneStepRefusals), and this verb refuses on exactly that
// (docs/cli.md#lanes).
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "base/task_id.h"
#include "commands/append_event.h"
#include "commands/verbs.h"
#include "projections/lane_rules.h"

namespace orch {

namespace {

struct LaneOptions {
  std::string what;  // open, close, block
  std::string package, title, reason, switch_reason, actor = "orchestrator";
  bool needs_human = false;
};

absl::Status CheckPackageId(const std::string& id) {
  absl::Status s = CheckTaskId(id);
  if (s.ok()) return s;
  return absl::InvalidArgumentError(absl::StrCat("bad package id: ", s.message()));
}

absl::Status RunLane(const LaneOptions& o, CommandContext& ctx) {
  ORCH_RETURN_IF_ERROR(CheckPackageId(o.package));
  ORCH_ASSIGN_OR_RETURN(auto store, OpenStoreForWrite(ctx));
  ORCH_ASSIGN_OR_RETURN(ProjectModel m, LoadModelForCheck(*store));
  const LaneStep step = o.what == "open"    ? LaneStep::kOpen
                        : o.what == "close" ? LaneStep::kClose
                                            : LaneStep::kBlock;
  ORCH_ASSIGN_OR_RETURN(std::vector<std::string> reasons,
                        LaneStepRefusals(m, step, o.package, o.switch_reason));
  if (!reasons.empty()) return Refusal(absl::StrCat("cannot ", o.what, " lane ", o.package), reasons);
  EventContent c;
  c.actor = o.actor;
  c.payload["package_id"] = o.package;
  if (!o.reason.empty()) c.payload["reason"] = o.reason;
  switch (step) {
    case LaneStep::kOpen:
      c.type = EventType::PackageOpened;
      if (!o.title.empty()) c.payload["title"] = o.title;
      if (!o.switch_reason.empty()) c.payload["switch_reason"] = o.switch_reason;
      break;
    case LaneStep::kClose:
      c.type = EventType::PackageClosed;
      break;
    case LaneStep::kBlock:
      c.type = EventType::PackageBlocked;
      c.payload["needs_human"] = o.needs_human;
      break;
  }
  ORCH_ASSIGN_OR_RETURN(AppendResult r, AppendEvent(ctx, *store, c));
  *ctx.out << "lane " << EscapeForDisplay(o.package) << " "
           << (o.what == "open"    ? "opened"
               : o.what == "close" ? "closed"
                                   : "blocked")
           << " as seq " << r.seq << "\n";
  return absl::OkStatus();
}

void AddLaneVerb(CLI::App* lane, const char* what, const char* help, CommandContext& ctx) {
  auto o = std::make_shared<LaneOptions>();
  o->what = what;
  CLI::App* sub = lane->add_subcommand(what, help);
  sub->add_option("package", o->package, "Package (lane) id")->required();
  sub->add_option("--reason", o->reason, "Why");
  sub->add_option("--actor", o->actor, "Who decides (default orchestrator)");
  if (o->what == "open") {
    sub->add_option("--title", o->title, "Human title of the package");
    sub->add_option("--switch-reason", o->switch_reason,
                    "Open it while another lane is open (the current one), and say why (recorded)");
  }
  if (o->what == "block") sub->add_flag("--needs-human", o->needs_human, "A person has to act");
  sub->callback([o, &ctx]() { ctx.result = RunLane(*o, ctx); });
}

}  // namespace

void RegisterLane(CLI::App& app, CommandContext& ctx) {
  CLI::App* lane =
      app.add_subcommand("lane", "Open, close or block the feature package (lane) the loop advances");
  lane->require_subcommand(1);
  lane->footer(
      "Examples:\n  orch lane open checkout --title 'Checkout flow' --reason 'next on the roadmap'\n"
      "  orch lane block checkout --reason 'waiting for the API contract' --needs-human\n"
      "  orch lane close checkout\n"
      "  orch lane open refunds --switch-reason 'checkout waits for the API team'\n"
      "Opening a lane while another is open (the current one, not blocked) needs --switch-reason.\n"
      "Exit codes: 0 recorded, 2 unknown lane or bad id, 3 refused (every reason listed: unfinished\n"
      "tasks, an unresolved P1 review finding, already open or closed, another lane open), 4 store\n"
      "unavailable.");
  AddLaneVerb(lane, "open", "Open a lane: it becomes the current lane", ctx);
  AddLaneVerb(lane, "close", "Close a lane; refused while a task is unfinished or a P1 finding unresolved",
              ctx);
  AddLaneVerb(lane, "block", "Mark a lane blocked", ctx);
}

}  // namespace orch

// orch review import: an external reviewer's findings on a task or a lane,
// recorded as a `review-imported` event (the document's path and SHA-256,
// the status and the P1 / P2 counts). The project fold keeps the latest per
// reviewer and target; a lane does not close while one counts a P1
// (projections/lane_rules.h).
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "base/task_id.h"
#include "commands/append_event.h"
#include "commands/flag_names.h"
#include "commands/input_file.h"
#include "commands/verbs.h"
#include "eventstore/sha256.h"

namespace orch {

namespace {

struct ImportOptions {
  std::string reviewer, file, task, package, status, actor = "orchestrator", note;
  int p1 = 0, p2 = 0;
};

absl::Status RunReviewImport(const ImportOptions& o, CommandContext& ctx) {
  if (o.task.empty() == o.package.empty()) {
    return absl::InvalidArgumentError("orch review import needs exactly one of --task or --package");
  }
  if (o.p1 < 0 || o.p2 < 0) return absl::InvalidArgumentError("--p1 and --p2 count findings: 0 or more");
  if (!o.task.empty()) ORCH_RETURN_IF_ERROR(CheckTaskId(o.task));
  ORCH_ASSIGN_OR_RETURN(std::string text, ReadInputFile(o.file));
  ORCH_ASSIGN_OR_RETURN(auto store, OpenStoreForWrite(ctx));
  ORCH_ASSIGN_OR_RETURN(ProjectModel m, LoadModelForCheck(*store));
  if (!o.task.empty()) {
    const TaskModel* t = m.FindTask(o.task);
    if (t == nullptr || t->facts.state == TaskState::kUnknown) {
      return absl::NotFoundError(absl::StrCat("unknown task '", o.task, "': no dispatched event for it"));
    }
  } else if (m.FindPackage(o.package) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("unknown lane '", o.package, "': no package-opened event for it"));
  }
  EventContent c;
  c.type = EventType::ReviewImported;
  c.task = o.task;
  c.actor = o.actor;
  c.note = o.note;
  c.payload = {{"reviewer", o.reviewer}, {"file", o.file}, {"file_sha256", ToHex(Sha256(text))},
               {"status", o.status},     {"p1", o.p1},     {"p2", o.p2}};
  if (!o.package.empty()) c.payload["package_id"] = o.package;
  ORCH_ASSIGN_OR_RETURN(AppendResult r, AppendEvent(ctx, *store, c));
  *ctx.out << "recorded review-imported as seq " << r.seq << " (" << EscapeForDisplay(o.reviewer) << ": "
           << o.status << ", P1 " << o.p1 << ", P2 " << o.p2 << ")\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterReviewImport(CLI::App& review, CommandContext& ctx) {
  auto o = std::make_shared<ImportOptions>();
  CLI::App* sub =
      review.add_subcommand("import", "Record an external reviewer's findings on a task or a lane");
  sub->add_option("--reviewer", o->reviewer, "Who reviewed (person or model)")->required();
  sub->add_option("--file", o->file, "The findings document (its path and SHA-256 are recorded)")->required();
  sub->add_option("--task", o->task, "The task reviewed");
  sub->add_option(CliNames(*ctx.schema, EventType::ReviewImported, "package_id"), o->package,
                  "The lane reviewed");
  sub->add_option("--status", o->status, "passed, failed or blocked")
      ->required()
      ->check(CLI::IsMember({"passed", "failed", "blocked"}));
  sub->add_option("--p1", o->p1, "Priority-1 findings (a lane does not close while a P1 is unresolved)");
  sub->add_option("--p2", o->p2, "Priority-2 findings");
  sub->add_option("--actor", o->actor, "Who emits (default orchestrator)");
  sub->add_option("--note", o->note, "Free note");
  sub->footer(
      "The latest import per reviewer and target counts: import again with --p1 0 once the findings\n"
      "are fixed.\nExit codes: 0 recorded, 2 bad input, unknown task or lane, unreadable file, 4 store "
      "unavailable.");
  sub->callback([o, &ctx]() { ctx.result = RunReviewImport(*o, ctx); });
}

}  // namespace orch

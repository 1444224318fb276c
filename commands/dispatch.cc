// orch dispatch TASK: the checked way to hand a task to a worker. Capacity
// is not permission: the dispatch gate (projections/next_action.h) and the
// lifecycle decide, every reason is listed at once (exit 3), and only a
// dispatch that passes is appended as `dispatched` (docs/cli.md#dispatch).
// `orch emit dispatched`, the raw record, is refused by the same rules in
// the append guard (projections/rule_guard.h).
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "base/task_id.h"
#include "base/time_text.h"
#include "commands/append_event.h"
#include "commands/dispatch_check.h"
#include "commands/flag_names.h"
#include "commands/verbs.h"
#include "nlohmann/json.hpp"

namespace orch {

namespace {

struct DispatchOptions {
  std::string task, title, package, branch, base_commit, pending_worktree_id;
  std::vector<std::string> allowed, forbidden, gates;
  std::string evidence_expected, max_runtime, review_budget, worker, self_review, switch_reason;
  std::string note, actor = "orchestrator";
  bool dry_run = false, json = false;
};

// "90m" (or "90") -> 90: the budgets are recorded in whole minutes, as
// `orch emit dispatched` reads them (ParseMinutes); a budget is at least
// a minute.
absl::StatusOr<int64_t> Minutes(const std::string& flag, const std::string& text) {
  auto minutes = ParseMinutes(text);
  if (!minutes.ok() || *minutes < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad ", flag, " '", text, "': expected whole minutes, e.g. 25m, 90m or 2h"));
  }
  return *minutes;
}

absl::StatusOr<EventContent> ContentOf(const DispatchOptions& o, CommandContext& ctx) {
  ORCH_RETURN_IF_ERROR(CheckTaskId(o.task));
  if (absl::Status s = CheckTaskId(o.package); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("bad --package: ", s.message()));
  }
  EventContent c;
  c.type = EventType::Dispatched;
  c.task = o.task;
  c.actor = o.actor;
  c.note = o.note;
  nlohmann::json& p = c.payload;
  p["title"] = o.title;
  p["package_id"] = o.package;
  p["branch"] = o.branch;
  if (!o.base_commit.empty()) p["base_commit"] = o.base_commit;
  if (!o.pending_worktree_id.empty()) p["pending_worktree_id"] = o.pending_worktree_id;
  if (!o.allowed.empty()) p["allowed"] = o.allowed;
  if (!o.forbidden.empty()) p["forbidden"] = o.forbidden;
  if (!o.gates.empty()) p["gates"] = o.gates;
  if (!o.evidence_expected.empty()) p["expected_evidence"] = o.evidence_expected;
  if (!o.worker.empty()) p["worker"] = o.worker;
  if (!o.self_review.empty()) p["self_review_path"] = o.self_review;
  if (!o.switch_reason.empty()) p["package_switch_reason"] = o.switch_reason;
  if (!o.max_runtime.empty()) {
    ORCH_ASSIGN_OR_RETURN(p["runtime_budget_minutes"], Minutes("--max-runtime", o.max_runtime));
  }
  if (!o.review_budget.empty()) {
    ORCH_ASSIGN_OR_RETURN(p["review_budget_minutes"], Minutes("--review-budget", o.review_budget));
  }
  if (!o.base_commit.empty() || o.dry_run) return c;
  FillDefaultBaseCommit(ctx, &c);
  return c;
}

nlohmann::json VerdictJson(const DispatchOptions& o, const DispatchVerdict& v) {
  nlohmann::json blockers = nlohmann::json::array();
  for (const Blocker& b : v.gate.blockers) {
    blockers.push_back({{"rule", b.rule}, {"action", b.action}, {"reason", b.reason}});
  }
  for (const GateFinding& f : v.findings) {  // the gate's rules beyond the dispatch gate's
    bool listed = false;
    for (const Blocker& b : v.gate.blockers) listed = listed || (b.rule == f.rule && b.reason == f.reason);
    if (!listed) blockers.push_back({{"rule", f.rule}, {"action", kActWait}, {"reason", f.reason}});
  }
  if (!v.lifecycle.empty())
    blockers.push_back({{"rule", "lifecycle"}, {"action", "wait"}, {"reason", v.lifecycle}});
  return {{"task", o.task},       {"package", o.package}, {"allowed", v.allowed()},
          {"dry_run", o.dry_run}, {"lane", v.gate.lane},  {"free_slots", v.gate.free_slots},
          {"blockers", blockers}};
}

absl::Status RunDispatch(const DispatchOptions& o, CommandContext& ctx) {
  ORCH_ASSIGN_OR_RETURN(EventContent c, ContentOf(o, ctx));
  std::unique_ptr<EventStore> reader;  // --dry-run only reads
  std::unique_ptr<EventWriter> writer;
  if (o.dry_run) {
    ORCH_ASSIGN_OR_RETURN(reader, OpenStoreForRead(ctx));
  } else {
    ORCH_ASSIGN_OR_RETURN(writer, OpenStoreForWrite(ctx));
  }
  EventStore* store = writer != nullptr ? writer.get() : reader.get();
  // Checked and appended under the writer's turn: nothing slips in between.
  ORCH_ASSIGN_OR_RETURN(ProjectModel m, LoadModelForCheck(*store));
  ORCH_ASSIGN_OR_RETURN(DispatchVerdict v, CheckDispatch(ctx, m, ctx.env->NowNanos(), c));
  const std::string what = absl::StrCat("cannot dispatch ", o.task);
  if (o.json) {
    nlohmann::json j = VerdictJson(o, v);
    if (!v.allowed() || o.dry_run) {
      *ctx.out << j.dump() << "\n";
      return v.allowed() ? absl::OkStatus() : Refusal(what, v.reasons);
    }
    ORCH_ASSIGN_OR_RETURN(AppendResult r, AppendEvent(ctx, *writer, c));
    j["seq"] = r.seq;
    *ctx.out << j.dump() << "\n";
    return absl::OkStatus();
  }
  if (!v.allowed()) {
    if (o.dry_run) {
      *ctx.out << "would refuse " << EscapeForDisplay(o.task) << ":\n";
      for (const std::string& why : v.reasons) *ctx.out << "  - " << EscapeForDisplay(why) << "\n";
    }
    return Refusal(what, v.reasons);
  }
  if (o.dry_run) {
    *ctx.out << "would dispatch " << EscapeForDisplay(o.task) << " into lane "
             << EscapeForDisplay(v.gate.lane) << " (" << v.gate.free_slots << " slot(s) free)\n";
    return absl::OkStatus();
  }
  ORCH_ASSIGN_OR_RETURN(AppendResult r, AppendEvent(ctx, *writer, c));
  *ctx.out << "dispatched " << EscapeForDisplay(o.task) << " into lane " << EscapeForDisplay(v.gate.lane)
           << " as seq " << r.seq << "\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterDispatch(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<DispatchOptions>();
  CLI::App* sub = app.add_subcommand(
      "dispatch", "Check the dispatch rules, then record `dispatched` (refused with every reason, exit 3)");
  // The flags of the fields it records are the raw event's (flag_names.h):
  // one spelling each, the other still accepted.
  const auto field = [&ctx](const char* name) { return CliNames(*ctx.schema, EventType::Dispatched, name); };
  sub->add_option("task", o->task, "Task id")->required();
  sub->add_option(field("title"), o->title, "What the task is about")->required();
  sub->add_option(field("package_id"), o->package, "Feature package (lane) the task serves")->required();
  sub->add_option(field("branch"), o->branch, "Branch the worker must commit to")->required();
  sub->add_option(field("base_commit"), o->base_commit,
                  "Commit the branch starts from (default: the integration branch head)");
  sub->add_option(field("allowed"), o->allowed,
                  "Path glob the worker may change [repeatable; none: anywhere]");
  sub->add_option(field("forbidden"), o->forbidden, "Path glob the worker must not touch [repeatable]");
  sub->add_option(field("gates"), o->gates, "Gate command that must pass before review [repeatable]");
  sub->add_option(field("expected_evidence"), o->evidence_expected,
                  "Strongest evidence label the task is expected to reach");
  sub->add_option(field("runtime_budget_minutes"), o->max_runtime, "Runtime budget, e.g. 90m");
  sub->add_option(field("review_budget_minutes"), o->review_budget, "Review budget, e.g. 25m");
  sub->add_option(field("pending_worktree_id"), o->pending_worktree_id, "Id of the worktree being set up");
  sub->add_option(field("worker"), o->worker, "Worker id or session the task goes to");
  sub->add_option(field("self_review_path"), o->self_review,
                  "Path of the self-review file the worker must write");
  sub->add_option(field("package_switch_reason"), o->switch_reason,
                  "Dispatch into a package that is not the current lane, and say why (recorded)");
  sub->add_option("--note", o->note, "Free text kept with the event");
  sub->add_option("--actor", o->actor, "Who dispatches (default orchestrator)");
  sub->add_flag("--dry-run", o->dry_run,
                "Print the verdict only; append nothing (exit 3 if it would refuse)");
  sub->add_flag("--json", o->json, "Print the verdict (and the seq) as JSON");
  sub->footer(
      "Refused (exit 3, every reason listed) while: the run mode is not active; all slots are busy\n"
      "(pending setups count); a completed task awaits review or a review is open; the write set\n"
      "(--allowed) overlaps an in-flight task's; it touches a serial path (settings --serial-paths)\n"
      "another in-flight task touches; the package is not the current lane while that lane is open\n"
      "(unless --switch-reason); the task is already in flight; or any other rule of `orch next`.\n"
      "Examples:\n"
      "  orch dispatch T3 --title 'Checkout form' --package checkout --branch task/t3 \\\n"
      "      --allowed 'web/checkout/**' --gate 'npm test' --max-runtime 90m --review-budget 25m\n"
      "  orch dispatch T4 --title 'Refunds' --package refunds --branch task/t4 --dry-run --json\n"
      "Exit codes: 0 dispatched (or would be), 2 bad input, 3 refused, 4 store unavailable.");
  sub->callback([o, &ctx]() { ctx.result = RunDispatch(*o, ctx); });
}

}  // namespace orch

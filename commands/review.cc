// orch review TASK --verdict ...: the orchestrator's decision recorded as
// the `reviewed` event, with the acceptance report (projections/
// acceptance.h) built from the log and from git. An acceptance the report
// refuses is refused (exit 3, every reason listed) unless --override
// REASON, which is recorded and shown on the status pages.
// `orch review import` is in review_import.cc.
#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "base/task_id.h"
#include "commands/append_event.h"
#include "commands/verbs.h"
#include "git/gate_facts.h"
#include "git/repository.h"
#include "projections/acceptance.h"
#include "projections/task_fold.h"
#include "projections/task_rules.h"

namespace orch {

namespace {

// Lists in the event stay bounded whatever the diff holds.
constexpr size_t kMaxPaths = 1000;
constexpr size_t kMaxWhitespaceErrors = 100;

struct ReviewOptions {
  std::string task, verdict, evidence, override_reason, reviewer, actor = "orchestrator", repo, note;
  std::vector<std::string> risks;
  bool json = false;
};

std::string S(absl::string_view s) { return EscapeForDisplay(s); }

// `orch review run`: a word where a TASK goes reads as a sub-command the
// verb does not have (its only one is `import`), unless the log has a task
// of that name and the review gives a verdict. Task ids are free text, so
// only a plain lowercase word is taken for a command.
bool LooksLikeACommand(absl::string_view word) {
  return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

absl::Status UnknownReviewCommand(const std::string& word) {
  return absl::InvalidArgumentError(absl::StrCat("unknown review command '", word,
                                                 "' (orch review TASK --verdict V, or orch review import "
                                                 "...; a task named ",
                                                 word, " is reviewed with --verdict)"));
}

std::vector<std::string> Bounded(std::vector<std::string> v, size_t max) {
  if (v.size() > max) {
    const size_t more = v.size() - max;
    v.resize(max);
    v.push_back(absl::StrCat("... and ", more, " more"));
  }
  return v;
}

void PrintReport(const ReviewOptions& o, const AcceptanceReport& r, std::ostream& out) {
  out << "acceptance report for " << S(o.task) << " (verdict " << o.verdict << ")\n";
  out << "  inspection: "
      << (r.inspection_seq == 0
              ? "none"
              : absl::StrCat("#", r.inspection_seq, " saw head ", git::ShortId(r.inspected_head)))
      << "; head now " << (r.head.empty() ? "unknown" : git::ShortId(r.head)) << ", base "
      << git::ShortId(r.base_commit) << "\n";
  out << "  changed (" << r.changed.size() << "): " << S(absl::StrJoin(r.changed, ", ")) << "\n";
  out << "  forbidden touched: "
      << (r.forbidden_touched.empty() ? "none" : S(absl::StrJoin(r.forbidden_touched, ", "))) << "\n";
  out << "  dirty: " << (r.dirty.empty() ? "none" : S(absl::StrJoin(r.dirty, ", "))) << "\n";
  out << "  whitespace errors: " << r.whitespace_errors.size() << "\n";
  for (const GateCheck& g : r.gates) {
    out << "  gate: " << S(GateResultText(g)) << (g.required ? " (required)" : "") << "\n";
  }
  out << "  evidence: requested " << (r.requested_evidence.empty() ? "none" : S(r.requested_evidence))
      << ", backed " << (r.backed_evidence.empty() ? "none" : r.backed_evidence) << ", worker claimed "
      << (r.claimed_evidence.empty() ? "none" : S(r.claimed_evidence)) << "\n";
  for (const std::string& risk : o.risks) out << "  risk: " << S(risk) << "\n";
  for (const std::string& why : r.refusals) out << "  refuses acceptance: " << S(why) << "\n";
}

absl::Status RunReview(const ReviewOptions& o, CommandContext& ctx) {
  if (o.task.empty())
    return absl::InvalidArgumentError("orch review needs a TASK (or: orch review import ...)");
  ORCH_RETURN_IF_ERROR(CheckTaskId(o.task));
  if (o.verdict.empty() && LooksLikeACommand(o.task)) return UnknownReviewCommand(o.task);
  if (o.verdict.empty()) return absl::InvalidArgumentError("orch review needs --verdict");
  if (!o.evidence.empty() && EvidenceRank(o.evidence) <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("bad --evidence '", o.evidence, "': expected one of ",
                                                   absl::StrJoin(EvidenceLabels(), ", ")));
  }
  if (o.verdict != "accepted" && !o.override_reason.empty()) {
    return absl::InvalidArgumentError("--override applies to --verdict accepted only");
  }
  ORCH_ASSIGN_OR_RETURN(auto store, OpenStoreForWrite(ctx));
  ORCH_ASSIGN_OR_RETURN(ProjectModel m, LoadModelForCheck(*store));
  const TaskModel* t = m.FindTask(o.task);
  if (t == nullptr || t->facts.state == TaskState::kUnknown) {
    if (LooksLikeACommand(o.task)) return UnknownReviewCommand(o.task);
    return absl::NotFoundError(absl::StrCat("unknown task '", o.task, "': no dispatched event for it"));
  }
  // What git shows of the task now: the facts the gate reads too.
  const GateGitFacts git = git::ReadGateFacts(OpenProjectRepoFor(ctx, *store, o.repo), t->facts);
  const AcceptanceReport r = BuildAcceptanceReport(*t, git.review, o.evidence);
  const bool accepting = o.verdict == "accepted";
  const bool backed = Backs(t->facts, o.evidence);

  EventContent c;
  c.type = EventType::Reviewed;
  c.task = o.task;
  c.actor = o.actor;
  c.note = o.note;
  // Only a backed label is the event's evidence; an overclaim stays in the
  // report as requested_evidence, never promoted.
  if (backed || !accepting) c.evidence = o.evidence;
  nlohmann::json& p = c.payload;
  p["verdict"] = o.verdict;
  if (!o.reviewer.empty()) p["reviewer"] = o.reviewer;
  std::vector<std::string> gates_run, gate_results;
  for (const GateCheck& g : r.gates) {
    gate_results.push_back(GateResultText(g));
    if (g.result != "missing") gates_run.push_back(absl::StrCat(g.command, "=", g.result));
  }
  p["gates_run"] = gates_run;
  p["gate_results"] = gate_results;
  p["residual_risks"] = o.risks;
  p["inspection_seq"] = r.inspection_seq;
  p["inspected_head"] = r.inspected_head;
  p["head"] = r.head;
  p["base_commit"] = r.base_commit;
  p["changed"] = Bounded(r.changed, kMaxPaths);
  p["forbidden_touched"] = Bounded(r.forbidden_touched, kMaxPaths);
  p["dirty"] = Bounded(r.dirty, kMaxPaths);
  p["whitespace_errors"] = Bounded(r.whitespace_errors, kMaxWhitespaceErrors);
  p["claimed_evidence"] = r.claimed_evidence;
  p["backed_evidence"] = r.backed_evidence;
  if (!backed && !o.evidence.empty()) p["requested_evidence"] = o.evidence;
  if (accepting && !o.override_reason.empty() && !r.refusals.empty()) {
    p["override_reason"] = o.override_reason;
    p["overridden"] = r.refusals;
  }

  // The lifecycle (the task fold's rule) cannot be overridden.
  std::vector<std::string> reasons;
  ORCH_ASSIGN_OR_RETURN(std::string bytes, ctx.schema->BuildEvent(c));
  const auto* candidate = flatbuffers::GetRoot<schema::Event>(bytes.data());
  if (std::string why = StateProblemFor(t->facts, *candidate); !why.empty()) reasons.push_back(why);
  if (accepting && o.override_reason.empty()) {
    for (const std::string& why : r.refusals) reasons.push_back(why);
  }
  if (!reasons.empty()) {
    if (!o.json) PrintReport(o, r, *ctx.out);
    return Refusal(absl::StrCat("cannot record ", o.verdict, " for ", o.task), reasons);
  }
  AppendCheckOptions check;
  check.repo = o.repo;
  ORCH_ASSIGN_OR_RETURN(AppendResult result, AppendEvent(ctx, *store, c, check));
  if (o.json) {
    *ctx.out << nlohmann::json{{"task", o.task}, {"seq", result.seq}, {"reviewed", c.payload}}.dump() << "\n";
    return absl::OkStatus();
  }
  PrintReport(o, r, *ctx.out);
  if (p.contains("override_reason")) {
    *ctx.out << "OVERRIDE: " << S(o.override_reason) << " (overrides " << r.refusals.size()
             << " refusal(s))\n";
  } else if (!o.override_reason.empty()) {
    *ctx.out << "nothing refused the acceptance: --override not recorded\n";
  }
  *ctx.out << "recorded reviewed as seq " << result.seq << "\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterReviewImport(CLI::App& review, CommandContext& ctx);  // review_import.cc

void RegisterReview(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<ReviewOptions>();
  CLI::App* sub = app.add_subcommand(
      "review", "Record a review with its acceptance report (refused when the report does not back it)");
  sub->add_option("task", o->task, "Task id");
  sub->add_option("--verdict", o->verdict, "accepted, rejected or changes-requested")
      ->check(CLI::IsMember({"accepted", "rejected", "changes-requested"}));
  sub->add_option("--evidence", o->evidence, "Evidence label the review gives the task");
  sub->add_option("--risk", o->risks, "Residual risk (repeatable)");
  sub->add_option("--override", o->override_reason,
                  "Accept although the report refuses: the reason is recorded and shown in red");
  sub->add_option("--reviewer", o->reviewer, "Who reviewed (person or model)");
  sub->add_option("--actor", o->actor, "Who emits (default orchestrator)");
  sub->add_option("--note", o->note, "Free note");
  sub->add_option("--repo", o->repo,
                  "Repository top level (default: the recorded project root, else the git top level of cwd)");
  sub->add_flag("--json", o->json, "Print {task, seq, reviewed} as JSON");
  sub->footer(
      "Acceptance is refused (exit 3, every reason listed) when a required gate has no passing result,\n"
      "the inspection is missing or older than the branch head, forbidden paths were touched, the diff\n"
      "has whitespace errors (git diff --check) or --evidence is stronger than the passing gates back.\n"
      "Examples:\n  orch review T1 --verdict accepted --evidence local --risk 'no e2e run'\n"
      "  orch review T1 --verdict accepted --override 'whitespace in a generated file'\n"
      "  orch review import --reviewer codex --file review.md --package checkout --status failed --p1 1\n"
      "Exit codes: 0 recorded, 2 bad input or unknown task, 3 refused, 4 store unavailable.");
  sub->callback([o, &ctx, sub]() {
    if (sub->get_subcommands().empty()) ctx.result = RunReview(*o, ctx);
  });
  RegisterReviewImport(*sub, ctx);
}

}  // namespace orch

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
#include "projections/review_payload.h"
#include "projections/task_fold.h"
#include "projections/task_rules.h"

namespace orch {

namespace {

// The decision (projections/review_payload.h) and how to read git and print.
struct ReviewOptions : ReviewDecision {
  ReviewOptions() { actor = "orchestrator"; }
  std::string repo;
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

// The flags alone, before the store is opened.
absl::Status CheckReviewOptions(const ReviewOptions& o) {
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
  return absl::OkStatus();
}

// Why `c` cannot be recorded: the lifecycle (the task fold's rule, which
// no override lifts), then the report's refusals unless overridden.
absl::StatusOr<std::vector<std::string>> ReviewRefusals(const ReviewOptions& o, CommandContext& ctx,
                                                        const TaskFacts& facts, const AcceptanceReport& r,
                                                        const EventContent& c) {
  std::vector<std::string> reasons;
  ORCH_ASSIGN_OR_RETURN(std::string bytes, ctx.schema->BuildEvent(c));
  const auto* candidate = flatbuffers::GetRoot<schema::Event>(bytes.data());
  if (std::string why = StateProblemFor(facts, *candidate); !why.empty()) reasons.push_back(why);
  if (o.verdict == "accepted" && o.override_reason.empty()) {
    for (const std::string& why : r.refusals) reasons.push_back(why);
  }
  return reasons;
}

void PrintRecorded(const ReviewOptions& o, const AcceptanceReport& r, const EventContent& c, uint64_t seq,
                   std::ostream& out) {
  if (o.json) {
    out << nlohmann::json{{"task", o.task}, {"seq", seq}, {"reviewed", c.payload}}.dump() << "\n";
    return;
  }
  PrintReport(o, r, out);
  if (c.payload.contains("override_reason")) {
    out << "OVERRIDE: " << S(o.override_reason) << " (overrides " << r.refusals.size() << " refusal(s))\n";
  } else if (!o.override_reason.empty()) {
    out << "nothing refused the acceptance: --override not recorded\n";
  }
  out << "recorded reviewed as seq " << seq << "\n";
}

absl::Status RunReview(const ReviewOptions& o, CommandContext& ctx) {
  ORCH_RETURN_IF_ERROR(CheckReviewOptions(o));
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
  const EventContent c = ReviewedEvent(o, r, Backs(t->facts, o.evidence));
  ORCH_ASSIGN_OR_RETURN(std::vector<std::string> reasons, ReviewRefusals(o, ctx, t->facts, r, c));
  if (!reasons.empty()) {
    if (!o.json) PrintReport(o, r, *ctx.out);
    return Refusal(absl::StrCat("cannot record ", o.verdict, " for ", o.task), reasons);
  }
  AppendCheckOptions check;
  check.repo = o.repo;
  ORCH_ASSIGN_OR_RETURN(AppendResult result, AppendEvent(ctx, *store, c, check));
  PrintRecorded(o, r, c, result.seq, *ctx.out);
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

#include "projections/render/pack_markdown.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/time_text.h"
#include "projections/lane_rules.h"
#include "projections/render/status_markdown.h"
#include "projections/status_view.h"

namespace orch {

namespace {

std::string E(absl::string_view s) { return MarkdownEscape(s); }
std::string T(int64_t ns) { return ns == 0 ? "never" : FormatRfc3339(ns); }
std::string Short(const std::string& c) { return c.substr(0, 10); }

std::string Code(absl::string_view s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), '`', '\'');
  std::replace(out.begin(), out.end(), '\n', ' ');
  return absl::StrCat("`", out, "`");
}

std::vector<std::string> Codes(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& i : items) out.push_back(Code(i));
  return out;
}

std::string List(const std::vector<std::string>& items) {
  return items.empty() ? "_none_" : absl::StrJoin(Codes(items), ", ");
}

// A fence longer than any run of backticks in `body`, so the body cannot
// close it.
std::string Fenced(absl::string_view body, absl::string_view lang) {
  size_t longest = 0, run = 0;
  for (char c : body) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<size_t>(3, longest + 1), '`');
  std::string out = absl::StrCat(fence, lang, "\n", body);
  if (!body.empty() && body.back() != '\n') out += "\n";
  absl::StrAppend(&out, fence, "\n");
  return out;
}

void Contract(const TaskModel& t, std::string* out) {
  const TaskFacts& f = t.facts;
  absl::StrAppend(out, "### Contract\n\n");
  absl::StrAppend(out, "- lane: ", t.package_id.empty() ? "_none_" : E(t.package_id), "\n");
  absl::StrAppend(out, "- state: ", TaskStateName(f.state), "\n");
  absl::StrAppend(out, "- branch: ", f.branch.empty() ? "_none_" : Code(f.branch), ", base ",
                  f.base_commit.empty() ? "_none_" : Code(Short(f.base_commit)), "\n");
  if (!f.worktree.empty()) absl::StrAppend(out, "- worktree: ", Code(f.worktree), "\n");
  absl::StrAppend(out, "- allowed: ", List(f.allowed), "\n");
  absl::StrAppend(out, "- forbidden: ", List(f.forbidden), "\n");
  absl::StrAppend(out, "- gates: ", List(t.gates), "\n");
  absl::StrAppend(
      out, "- expected evidence: ", t.expected_evidence.empty() ? "_none_" : E(t.expected_evidence), "\n");
  if (!t.budget.empty()) {
    absl::StrAppend(out, "- budgets: run ", t.budget.runtime_minutes, " min, review ",
                    t.budget.review_minutes, " min",
                    t.budget.note.empty() ? "" : absl::StrCat(" (", E(t.budget.note), ")"), "\n");
  }
  const ConstraintStack& c = t.constraint_stack;
  if (!c.empty()) {
    if (!c.user_instruction.empty()) absl::StrAppend(out, "- instruction: ", E(c.user_instruction), "\n");
    for (const std::string& r : c.constraints) absl::StrAppend(out, "- constraint: ", E(r), "\n");
    if (!c.required_gates.empty()) absl::StrAppend(out, "- required gates: ", List(c.required_gates), "\n");
    if (!c.evidence_boundary.empty())
      absl::StrAppend(out, "- evidence boundary: ", E(c.evidence_boundary), "\n");
  }
  absl::StrAppend(out, "\n");
}

void Report(const TaskModel& t, const std::optional<RecordedReview>& review, std::string* out) {
  absl::StrAppend(out, "### Acceptance report\n\n");
  if (!review) {
    absl::StrAppend(out, "_not reviewed yet_\n\n");
    return;
  }
  const RecordedReview& r = *review;
  const AcceptanceReport& a = r.report;
  absl::StrAppend(out, "- verdict: **", E(r.verdict), "**", r.reviewer.empty() ? "" : " by " + E(r.reviewer),
                  " (#", r.seq, ", ", T(r.at), ")\n");
  if (!r.override_reason.empty()) {
    absl::StrAppend(out, "- **OVERRIDE: ", E(r.override_reason), "**\n");
    for (const std::string& why : a.refusals) absl::StrAppend(out, "  - overrode: ", E(why), "\n");
  }
  absl::StrAppend(out, "- evidence: ", r.evidence.empty() ? "_none_" : E(r.evidence),
                  "; backed by gates: ", a.backed_evidence.empty() ? "_none_" : E(a.backed_evidence),
                  "; worker claimed: ", a.claimed_evidence.empty() ? "_none_" : E(a.claimed_evidence),
                  a.requested_evidence.empty()
                      ? ""
                      : absl::StrCat("; requested, not backed: **", E(a.requested_evidence), "**"),
                  "\n");
  absl::StrAppend(out, "- inspection: ",
                  a.inspection_seq == 0
                      ? "_none_"
                      : absl::StrCat("#", a.inspection_seq, " saw ", Code(Short(a.inspected_head))),
                  "; head at review ", a.head.empty() ? "_unknown_" : Code(Short(a.head)), "\n");
  absl::StrAppend(out, "- changed: ", List(a.changed), "\n");
  absl::StrAppend(out, "- forbidden touched: ", List(a.forbidden_touched), "\n");
  absl::StrAppend(out, "- dirty: ", List(a.dirty), "\n");
  absl::StrAppend(out, "- whitespace errors: ", List(a.whitespace_errors), "\n");
  for (const GateCheck& g : a.gates) {
    absl::StrAppend(out, "- gate ", Code(g.command), ": ", E(g.result),
                    g.label.empty() ? "" : " (" + E(g.label) + ")", "\n");
  }
  for (const std::string& risk : r.residual_risks) absl::StrAppend(out, "- residual risk: ", E(risk), "\n");
  (void)t;
  absl::StrAppend(out, "\n");
}

void InspectionFacts(const TaskModel& t, std::string* out) {
  absl::StrAppend(out, "### Latest inspection\n\n");
  if (!t.facts.has_inspection) {
    absl::StrAppend(out, "_none_\n\n");
    return;
  }
  const Inspection& i = t.facts.inspection;
  absl::StrAppend(out, "- #", i.seq, " at ", T(i.at), ": head ", Code(Short(i.head)), ", ", i.ahead_of_base,
                  " commit(s) beyond the base, ", i.behind_integration, " behind the integration branch\n");
  absl::StrAppend(out, "- branch matches: ", i.branch_matches ? "yes" : "**no**",
                  "; worktree exists: ", i.worktree_exists ? "yes" : "**no**",
                  "; reviewable: ", i.reviewable ? "yes" : "**no**", "\n");
  absl::StrAppend(out, "- dirty: ", List(i.dirty), "\n- forbidden touched: ", List(i.forbidden_touched),
                  "\n- outside allowed: ", List(i.outside_allowed), "\n");
  for (const std::string& p : i.problems) absl::StrAppend(out, "- problem: ", E(p), "\n");
  absl::StrAppend(out, "\n");
}

void Gates(const TaskModel& t, std::string* out) {
  absl::StrAppend(out, "### Gates\n\n");
  if (t.gate_runs.empty()) {
    absl::StrAppend(out, "_none run_\n\n");
    return;
  }
  absl::StrAppend(out, "| command | result | label | at | log |\n| --- | --- | --- | --- | --- |\n");
  for (const GateRun& g : t.gate_runs) {
    absl::StrAppend(out, "| ", E(g.command), " | ", E(g.result), " | ", E(g.label), " | ", T(g.at), " | ",
                    E(g.log_path), " |\n");
  }
  absl::StrAppend(out, "\n");
}

// Cuts `text` to at most `max` bytes at a line end.
std::string CutAtLine(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  const size_t nl = text.rfind('\n', max == 0 ? 0 : max - 1);
  return nl == std::string::npos ? "" : text.substr(0, nl + 1);
}

void Diff(const ReviewPackTask& p, size_t max_diff_bytes, std::string* out) {
  absl::StrAppend(out, "### Diff", p.diff_range.empty() ? "" : absl::StrCat(" ", Code(p.diff_range)), "\n\n");
  if (!p.git_problem.empty()) {
    absl::StrAppend(out, "_no diff: ", E(p.git_problem), "_\n\n");
    return;
  }
  absl::StrAppend(out, Fenced(p.diff_stat, "text"), "\n");
  const std::string shown = CutAtLine(p.diff, max_diff_bytes);
  absl::StrAppend(out, Fenced(shown, "diff"));
  if (shown.size() < p.diff.size()) {
    absl::StrAppend(out, "\n> **The diff is cut:** ", shown.size(), " of ", p.diff.size(),
                    " bytes shown; read the rest with `git diff ", p.diff_range, "`.\n");
  }
  absl::StrAppend(out, "\n");
}

}  // namespace

std::string RenderReviewPack(const ProjectModel& m, const std::vector<ReviewPackTask>& tasks,
                             const std::string& title, size_t max_diff_bytes) {
  std::string out = absl::StrCat("# Review pack: ", E(title), "\n\n");
  absl::StrAppend(&out, "From the log up to #", m.head_seq, "; ", tasks.size(),
                  " task(s). Facts marked observed were read from git by orch; the rest was reported.\n");
  for (const ReviewPackTask& p : tasks) {
    const TaskModel& t = *p.task;
    absl::StrAppend(&out, "\n## ", E(t.id), t.title.empty() ? "" : " — " + E(t.title), "\n\n");
    Contract(t, &out);
    Report(t, p.review, &out);
    InspectionFacts(t, &out);
    Gates(t, &out);
    Diff(p, max_diff_bytes, &out);
  }
  return out;
}

std::string RenderAcceptancePack(const ProjectModel& m, const std::string& package_id,
                                 const std::vector<std::pair<std::string, RecordedReview>>& reviews) {
  const PackageModel* pkg = m.FindPackage(package_id);
  std::string out = absl::StrCat("# Acceptance pack: lane ", E(package_id), "\n\n");
  if (pkg != nullptr) {
    absl::StrAppend(&out, pkg->title.empty() ? "" : E(pkg->title) + ". ", "Status: **",
                    E(std::string(LaneStatusName(pkg->status))), "**",
                    pkg->reason.empty() ? "" : " (" + E(pkg->reason) + ")", ". ");
  }
  const LaneProgress progress = ProgressOf(m, package_id);
  absl::StrAppend(&out, progress.done, " of ", progress.tasks, " task(s) done, ", progress.accepted,
                  " accepted. From the log up to #", m.head_seq, ".\n");
  absl::StrAppend(&out, "\n## Tasks\n\n");
  const std::vector<const TaskModel*> tasks = LaneTasks(m, package_id);
  if (tasks.empty()) absl::StrAppend(&out, "_none_\n");
  if (!tasks.empty()) {
    absl::StrAppend(&out,
                    "| task | state | verdict | evidence | override | title |\n"
                    "| --- | --- | --- | --- | --- | --- |\n");
  }
  for (const TaskModel* t : tasks) {
    absl::StrAppend(&out, "| ", E(t->id), " | ", TaskStateName(t->facts.state), " | ",
                    t->verdict.empty() ? "_not reviewed_" : E(t->verdict), " | ", E(EvidenceSummary(*t)),
                    " | ", t->review_override.empty() ? "" : "**" + E(t->review_override) + "**", " | ",
                    E(t->title), " |\n");
  }
  absl::StrAppend(&out, "\n## Evidence and risks\n\n");
  bool any = false;
  for (const TaskModel* t : tasks) {
    const RecordedReview* r = nullptr;
    for (const auto& [id, rev] : reviews) {
      if (id == t->id) r = &rev;
    }
    std::vector<std::string> lines;
    if (r != nullptr) {
      const AcceptanceReport& a = r->report;
      for (const GateCheck& g : a.gates) {
        lines.push_back(absl::StrCat("gate ", Code(g.command), ": ", E(g.result),
                                     g.label.empty() ? "" : " (" + E(g.label) + ")"));
      }
      if (!a.requested_evidence.empty()) {
        lines.push_back(absl::StrCat("requested **", E(a.requested_evidence), "**, not backed by a gate"));
      }
      for (const std::string& why : a.refusals) lines.push_back(absl::StrCat("overrode: ", E(why)));
    }
    for (const std::string& risk : t->residual_risks)
      lines.push_back(absl::StrCat("residual risk: ", E(risk)));
    if (lines.empty()) continue;
    any = true;
    absl::StrAppend(&out, "### ", E(t->id), "\n\n");
    for (const std::string& l : lines) absl::StrAppend(&out, "- ", l, "\n");
    absl::StrAppend(&out, "\n");
  }
  if (!any) absl::StrAppend(&out, "_none recorded_\n");
  absl::StrAppend(&out, "\n## External reviews\n\n");
  bool external = false;
  for (const ExternalReview& r : m.external_reviews) {
    if (r.package_id != package_id) continue;
    external = true;
    absl::StrAppend(&out, "- ", E(r.reviewer), " on ", r.task.empty() ? "the lane" : E(r.task), ": ",
                    E(r.status), ", P1 ", r.p1, ", P2 ", r.p2, " (", Code(r.file), ", #", r.seq, ")\n");
  }
  if (!external) absl::StrAppend(&out, "_none_\n");
  absl::StrAppend(&out, "\n## Before the lane can close\n\n");
  const std::vector<std::string> blockers = LaneCloseBlockers(m, package_id);
  if (blockers.empty())
    absl::StrAppend(&out, "Nothing: the lane may close (`orch lane close ", package_id, "`).\n");
  for (const std::string& b : blockers) absl::StrAppend(&out, "- ", E(b), "\n");
  return out;
}

}  // namespace orch

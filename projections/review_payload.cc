#include "projections/review_payload.h"

#include "absl/strings/str_cat.h"

namespace orch {

namespace {

// Lists in the event stay bounded whatever the diff holds.
constexpr size_t kMaxPaths = 1000;
constexpr size_t kMaxWhitespaceErrors = 100;

std::vector<std::string> Bounded(std::vector<std::string> v, size_t max) {
  if (v.size() > max) {
    const size_t more = v.size() - max;
    v.resize(max);
    v.push_back(absl::StrCat("... and ", more, " more"));
  }
  return v;
}

}  // namespace

EventContent ReviewedEvent(const ReviewDecision& d, const AcceptanceReport& r, bool backed) {
  const bool accepting = d.verdict == "accepted";
  EventContent c;
  c.type = EventType::Reviewed;
  c.task = d.task;
  c.actor = d.actor;
  c.note = d.note;
  if (backed || !accepting) c.evidence = d.evidence;
  nlohmann::json& p = c.payload;
  p["verdict"] = d.verdict;
  if (!d.reviewer.empty()) p["reviewer"] = d.reviewer;
  std::vector<std::string> gates_run, gate_results;
  for (const GateCheck& g : r.gates) {
    gate_results.push_back(GateResultText(g));
    if (g.result != "missing") gates_run.push_back(absl::StrCat(g.command, "=", g.result));
  }
  p["gates_run"] = gates_run;
  p["gate_results"] = gate_results;
  p["residual_risks"] = d.risks;
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
  if (!backed && !d.evidence.empty()) p["requested_evidence"] = d.evidence;
  if (accepting && !d.override_reason.empty() && !r.refusals.empty()) {
    p["override_reason"] = d.override_reason;
    p["overridden"] = r.refusals;
  }
  return c;
}

}  // namespace orch

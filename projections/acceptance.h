// The acceptance report of a review (orch review): what the log knows of a
// task at the moment of its review, with the git facts the verb read, and
// the rules that refuse an acceptance. Pure: the verb gathers the git facts
// (head, diff paths, whitespace errors) and this decides, so the rules live
// in one place and can be tested without a repository.
#ifndef ORCH_PROJECTIONS_ACCEPTANCE_H_
#define ORCH_PROJECTIONS_ACCEPTANCE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"
#include "projections/project_model.h"

namespace orch {

// What git shows of the task now (read by the verb).
struct GitNow {
  // false: git was not asked (an event dated before now, replayed or
  // imported: git cannot say what the head was then). The head check then
  // uses the log (no commit recorded after the inspection) and the
  // whitespace check is skipped.
  bool asked = true;
  std::string head;                            // the task branch's head; "" when unknown
  std::string head_problem;                    // why the head is unknown
  std::vector<std::string> changed;            // paths changed from base to head
  std::vector<std::string> whitespace_errors;  // git diff --check, base..head
};

struct GateCheck {
  std::string command;
  std::string result;  // pass, fail, skipped, missing
  std::string label;   // "" when none
  bool required = false;
};

struct AcceptanceReport {
  // The inspection that counts (none: seq 0).
  uint64_t inspection_seq = 0;
  std::string inspected_head, head, base_commit;
  std::vector<std::string> changed, forbidden_touched, dirty, whitespace_errors;
  std::vector<GateCheck> gates;
  std::string claimed_evidence;    // the worker's claim (completed)
  std::string backed_evidence;     // the strongest label a passing gate backs
  std::string requested_evidence;  // --evidence
  // Why an acceptance is refused, one line each; empty: nothing refuses.
  std::vector<std::string> refusals;
};

// The report for task `t` with the label the reviewer asks for ("" for
// none). Refusals: a required gate (dispatched --gate or the constraint
// stack's required gates) without a passing latest run; no inspection, one
// that said the task is not reviewable, or one that saw another head than
// git shows now (or the head unknown);
// forbidden paths touched; whitespace errors in the diff; a requested
// label stronger than the strongest passing gate backs.
AcceptanceReport BuildAcceptanceReport(const TaskModel& t, const GitNow& git, const std::string& requested);

// "pass local make test": a GateCheck as the reviewed event stores it
// (gate_results; label "-" when none).
std::string GateResultText(const GateCheck& g);

// A `reviewed` event as the packs show it: the decision and, when `orch
// review` wrote it, its acceptance report.
struct RecordedReview {
  uint64_t seq = 0;
  int64_t at = 0;
  std::string verdict, reviewer, evidence, note;
  AcceptanceReport report;  // refusals: what an override overrode
  std::vector<std::string> residual_risks;
  std::string override_reason;
};

// The latest `reviewed` event of `task`, if any. Errors are the store's.
absl::StatusOr<std::optional<RecordedReview>> LoadLatestReview(const EventStore& store,
                                                               const std::string& task);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_ACCEPTANCE_H_

#include "projections/acceptance.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "projections/task_rules.h"
#include "schema/event_schema.h"
#include "schema/fb_string.h"

namespace orch {

namespace {

std::string Short(const std::string& commit) { return commit.substr(0, 10); }

using StrVec = flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>;

constexpr auto Str = FbString;

std::vector<std::string> List(const StrVec* v) {
  std::vector<std::string> out;
  if (v != nullptr) {
    for (const auto* s : *v) out.push_back(s->str());
  }
  return out;
}

void AddUnique(const std::string& s, std::vector<std::string>* out) {
  if (!s.empty() && std::find(out->begin(), out->end(), s) == out->end()) out->push_back(s);
}

}  // namespace

std::string GateResultText(const GateCheck& g) {
  return absl::StrCat(g.result, " ", g.label.empty() ? "-" : g.label, " ", g.command);
}

AcceptanceReport BuildAcceptanceReport(const TaskModel& t, const GitNow& git, const std::string& requested) {
  AcceptanceReport r;
  const TaskFacts& f = t.facts;
  r.head = git.head;
  r.base_commit = f.base_commit;
  r.changed = git.changed;
  r.whitespace_errors = git.whitespace_errors;
  r.claimed_evidence = t.claimed_evidence;
  r.requested_evidence = requested;
  if (f.strongest_passing_gate > 0) r.backed_evidence = EvidenceLabels()[f.strongest_passing_gate - 1];

  // Gates: every required one, then any other run.
  std::vector<std::string> required;
  for (const std::string& g : t.gates) AddUnique(g, &required);
  for (const std::string& g : t.constraint_stack.required_gates) AddUnique(g, &required);
  for (const std::string& command : required) {
    GateCheck c{command, "missing", "", true};
    for (const GateRun& run : t.gate_runs) {
      if (run.command == command) c = GateCheck{command, run.result, run.label, true};
    }
    if (c.result != "pass") {
      r.refusals.push_back(absl::StrCat("required gate '", command, "' has no passing result (",
                                        c.result == "missing" ? "never run" : "latest: " + c.result, ")"));
    }
    r.gates.push_back(std::move(c));
  }
  for (const GateRun& run : t.gate_runs) {
    if (std::find(required.begin(), required.end(), run.command) == required.end()) {
      r.gates.push_back(GateCheck{run.command, run.result, run.label, false});
    }
  }

  if (!f.has_inspection) {
    r.refusals.push_back("no inspection: run orch inspect first");
  } else {
    const Inspection& i = f.inspection;
    r.inspection_seq = i.seq;
    r.inspected_head = i.head;
    r.forbidden_touched = i.forbidden_touched;
    r.dirty = i.dirty;
    if (!i.reviewable) {
      r.refusals.push_back(absl::StrCat("the latest inspection (#", i.seq, ") says not reviewable",
                                        i.problems.empty() ? "" : ": " + absl::StrJoin(i.problems, "; "),
                                        ": fix it and inspect again"));
    }
    if (!git.asked) {
      // What the log knows: work recorded after the inspection makes it stale.
      for (const HistoryEntry& h : t.history) {
        if (h.seq > i.seq && (h.type == EventType::Committed || h.type == EventType::Completed)) {
          r.refusals.push_back(absl::StrCat("work was recorded after the inspection (#", i.seq, "): #", h.seq,
                                            " ", ToKebab(schema::EnumNamePayload(h.type)),
                                            ": inspect again"));
          break;
        }
      }
    } else if (git.head.empty()) {
      r.refusals.push_back(absl::StrCat("the head of the task branch is unknown (", git.head_problem, ")"));
    } else if (i.head != git.head) {
      r.refusals.push_back(absl::StrCat("the inspection (#", i.seq, ") saw head ", Short(i.head),
                                        ", the branch is now at ", Short(git.head), ": inspect again"));
    }
    if (!i.forbidden_touched.empty()) {
      r.refusals.push_back(
          absl::StrCat("forbidden paths touched: ", absl::StrJoin(i.forbidden_touched, ", ")));
    }
  }
  if (!git.whitespace_errors.empty()) {
    r.refusals.push_back(
        absl::StrCat("the diff has ", git.whitespace_errors.size(),
                     " whitespace error(s) (git diff --check), first: ", git.whitespace_errors.front()));
  }
  if (!requested.empty() && !Backs(f, requested)) {
    r.refusals.push_back(absl::StrCat("evidence '", requested,
                                      "' is stronger than the strongest passing gate backs (",
                                      r.backed_evidence.empty() ? "none" : r.backed_evidence, ")"));
  }
  return r;
}

absl::StatusOr<std::optional<RecordedReview>> LoadLatestReview(const EventStore& store,
                                                               const std::string& task) {
  EventQuery q;
  q.task = task;
  q.types = {EventType::Reviewed};
  std::optional<RecordedReview> latest;
  ORCH_RETURN_IF_ERROR(store.Scan(q, [&latest](const LoggedEvent& e) {
    const auto* p = e.event().payload_as_Reviewed();
    if (p == nullptr) return true;
    RecordedReview r;
    r.seq = e.seq();
    r.at = e.time_ns();
    r.verdict = ToKebab(schema::EnumNameVerdict(p->verdict()));
    r.reviewer = Str(p->reviewer());
    r.evidence = Str(e.event().evidence());
    r.note = Str(e.event().note());
    r.residual_risks = List(p->residual_risks());
    r.override_reason = Str(p->override_reason());
    AcceptanceReport& a = r.report;
    a.inspection_seq = static_cast<uint64_t>(p->inspection_seq());
    a.inspected_head = Str(p->inspected_head());
    a.head = Str(p->head());
    a.base_commit = Str(p->base_commit());
    a.changed = List(p->changed());
    a.forbidden_touched = List(p->forbidden_touched());
    a.dirty = List(p->dirty());
    a.whitespace_errors = List(p->whitespace_errors());
    for (const std::string& g : List(p->gate_results())) {
      // "RESULT LABEL COMMAND"
      std::vector<std::string> parts = absl::StrSplit(g, absl::MaxSplits(' ', 2));
      if (parts.size() < 3) continue;
      a.gates.push_back(GateCheck{parts[2], parts[0], parts[1] == "-" ? "" : parts[1], false});
    }
    a.claimed_evidence = Str(p->claimed_evidence());
    a.backed_evidence = Str(p->backed_evidence());
    a.requested_evidence = Str(p->requested_evidence());
    a.refusals = List(p->overridden());
    latest = std::move(r);
    return true;
  }));
  return latest;
}

}  // namespace orch

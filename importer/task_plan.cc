#include "importer/task_plan.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "base/time_text.h"
#include "eventstore/record_builder.h"
#include "formats/event_json.h"
#include "projections/task_fold.h"

namespace orch::importer {

namespace {

using oj = nlohmann::ordered_json;
using S = TaskState;

// One step of orch's lifecycle the importer may take.
enum class Step {
  kDispatch,
  kWorktreeReady,
  kComplete,
  kAccept,
  kReject,
  kChangesRequested,
  kMerge,
  kClean,
  kBlock,
  kUnblock,
  kAbandon,
  kStale,
  kDrift,
};

const char* TypeOf(Step s) {
  switch (s) {
    case Step::kDispatch:
      return "dispatched";
    case Step::kWorktreeReady:
      return "worktree-ready";
    case Step::kComplete:
      return "completed";
    case Step::kAccept:
    case Step::kReject:
    case Step::kChangesRequested:
      return "reviewed";
    case Step::kMerge:
      return "merged";
    case Step::kClean:
      return "cleaned";
    case Step::kBlock:
      return "blocked";
    case Step::kUnblock:
      return "unblocked";
    case Step::kAbandon:
      return "abandoned";
    case Step::kStale:
      return "stale-detected";
    case Step::kDrift:
      return "drift-detected";
  }
  return "note";
}

// How to reach a predecessor status: the legal paths of orch's lifecycle,
// tried in order from wherever the task is; and the path that lands there
// from anywhere, whose illegal steps are recorded as observed.
struct Route {
  std::vector<std::vector<Step>> legal;
  std::vector<Step> forced;
};

const Route& RouteTo(const std::string& status) {
  using St = Step;
  static const auto* routes = new std::map<std::string, Route>{
      {"pending-setup", {{{St::kDispatch}}, {St::kDispatch}}},
      {"active",
       {{{St::kUnblock}, {St::kUnblock, St::kWorktreeReady}, {St::kWorktreeReady}, {St::kChangesRequested}},
        {St::kWorktreeReady}}},
      {"completed-unreviewed",
       {{{St::kComplete}, {St::kUnblock}, {St::kUnblock, St::kComplete}}, {St::kComplete}}},
      {"stale-needs-inspection",
       {{{St::kStale}, {St::kUnblock, St::kStale}}, {St::kWorktreeReady, St::kStale}}},
      {"blocked", {{{St::kBlock}}, {St::kBlock}}},
      {"rejected", {{{St::kReject}, {St::kUnblock, St::kReject}}, {St::kReject}}},
      {"merged",
       {{{St::kMerge},
         {St::kAccept, St::kMerge},
         {St::kUnblock, St::kMerge},
         {St::kUnblock, St::kAccept, St::kMerge}},
        {St::kMerge}}},
      {"cleanup-needed",
       {{{St::kDrift}, {St::kClean, St::kDrift}, {St::kUnblock, St::kClean, St::kDrift}},
        {St::kClean, St::kDrift}}},
      {"cleaned", {{{St::kClean}, {St::kUnblock, St::kClean}}, {St::kClean}}},
      {"abandoned", {{{St::kAbandon}, {St::kUnblock, St::kAbandon}}, {St::kAbandon}}},
  };
  return routes->at(status);  // statuses are checked when the files are read
}

void Put(oj& p, const char* key, const std::string& v) {
  if (!v.empty()) p[key] = v;
}
void Put(oj& p, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) p[key] = v;
}

void AppendNote(oj& j, const std::string& more) {
  const std::string note = j.contains("note") ? j["note"].get<std::string>() : "";
  j["note"] = note.empty() ? more.substr(more.find_first_not_of(' ')) : note + more;
}

std::string Extra(const Entry& e, const std::string& key) {
  for (const auto& [k, v] : e.extras) {
    if (k == key) return v;
  }
  return "";
}

// A Record around event bytes, as the store would build it (no chain), so
// the task fold can check and apply it.
absl::StatusOr<LoggedEvent> DraftLogged(uint64_t seq, int64_t at, const std::string& event) {
  std::string stored(32, '\0');  // the hash the store would put first
  stored += BuildRecord(seq, /*version=*/0, at, /*prev_hash=*/"", /*anomaly=*/"", event);
  ORCH_ASSIGN_OR_RETURN(LoggedEvent view, LoggedEvent::Parse(stored));
  return view.Own();
}

class TaskPlanner {
 public:
  TaskPlanner(EventSchema& schema, const Ledger& ledger, const Task& task)
      : schema_(schema), ledger_(ledger), task_(task) {}

  absl::Status OnEntry(const Entry& e);
  // The ledger's status, when the history did not end there.
  absl::Status Reconcile(int64_t at);
  // What has no event of its own, as notes.
  absl::Status Leftovers();
  std::vector<Draft> Take() { return std::move(out_); }

 private:
  oj StepJson(Step s, const Entry& e, std::set<std::string>* carried) const;
  absl::StatusOr<LoggedEvent> Simulate(const oj& j, const Entry& e);
  absl::StatusOr<bool> Reaches(const std::vector<Step>& steps, const Entry& e);
  absl::Status Emit(const std::vector<Step>& steps, const Entry& e, bool forced);
  absl::Status AddNote(const std::string& text, const std::string& evidence, const std::string& origin);

  EventSchema& schema_;
  const Ledger& ledger_;
  const Task& task_;
  TaskFacts facts_;
  uint64_t seq_ = 0;
  int64_t last_at_ = 0;
  bool thread_carried_ = false;
  std::vector<Draft> out_;
};

// The event of one step for entry `e`. The ledger's snapshot of the task is
// the truth for its fields (the entry's value where the ledger has none);
// `carried` gets the entry keys the event holds (an entry value the event
// does not hold is added to the note).
oj TaskPlanner::StepJson(Step s, const Entry& e, std::set<std::string>* carried) const {
  oj j = DraftJson(TypeOf(s), task_.id, e.at, e.note);
  oj& p = j["payload"];
  auto value = [&](const std::string& ledger_value, const char* key) {
    const std::string extra = Extra(e, key);
    if (carried != nullptr && (ledger_value.empty() || extra.empty() || extra == ledger_value))
      carried->insert(key);
    return ledger_value.empty() ? extra : ledger_value;
  };
  const Task& t = task_;
  switch (s) {
    case Step::kDispatch: {
      Put(p, "title", value(t.title, "title"));
      Put(p, "package_id", value(t.package_id, "packageId"));
      Put(p, "branch", value(t.branch, "branch"));
      Put(p, "base_commit", value(t.base_commit, "baseCommit"));
      Put(p, "pending_worktree_id", value(t.pending_worktree_id, "pendingWorktreeId"));
      Put(p, "allowed", t.allowed);
      Put(p, "forbidden", t.forbidden);
      Put(p, "gates", t.gates);
      if (EvidenceRank(t.expected_evidence) > 0) p["expected_evidence"] = t.expected_evidence;
      if (t.budget.runtime_minutes != 0) p["runtime_budget_minutes"] = t.budget.runtime_minutes;
      if (t.budget.review_minutes != 0) p["review_budget_minutes"] = t.budget.review_minutes;
      Put(p, "budget_note", t.budget.note);
      const ConstraintStack& c = t.constraint_stack;
      Put(p, "user_instruction", c.user_instruction);
      Put(p, "constraints", c.constraints);
      Put(p, "constraint_allowed_paths", c.allowed_paths);
      Put(p, "constraint_forbidden_paths", c.forbidden_paths);
      Put(p, "required_gates", c.required_gates);
      Put(p, "evidence_boundary", c.evidence_boundary);
      Put(p, "authority", c.authority);
      Put(p, "constraint_package_id", c.package_id);
      Put(p, "package_switch_reason", c.package_switch_reason);
      break;
    }
    case Step::kWorktreeReady:
      Put(p, "worktree", value(t.worktree, "worktree"));
      Put(p, "branch", value(t.branch, "branch"));
      Put(p, "thread_id", value(t.thread_id, "threadId"));
      break;
    case Step::kComplete:
      break;
    case Step::kClean:
      // codex-orchestrator's `cleaned` means nothing is left behind (what
      // is left is its cleanup-needed).
      p["worktree_removed"] = true;
      p["branch_deleted"] = true;
      break;
    case Step::kAccept:
    case Step::kReject:
    case Step::kChangesRequested:
      p["verdict"] = s == Step::kAccept ? "accepted" : s == Step::kReject ? "rejected" : "changes-requested";
      Put(p, "reviewer", value("", "reviewer"));
      break;
    case Step::kMerge:
      Put(p, "target_branch", ledger_.default_branch);
      break;
    case Step::kBlock:
      Put(p, "reason", e.note);
      p["needs_human"] = true;  // codex-orchestrator's blocked waits for a person
      break;
    case Step::kUnblock:
    case Step::kAbandon:
      Put(p, "reason", e.note);
      break;
    case Step::kStale:
      Put(p, "suggested_action", e.note);
      break;
    case Step::kDrift:
      p["kind"] = "cleanup-needed";
      p["log_says"] = "cleaned";
      Put(p, "git_shows", e.note);
      break;
  }
  return j;
}

absl::StatusOr<LoggedEvent> TaskPlanner::Simulate(const oj& j, const Entry& e) {
  ORCH_ASSIGN_OR_RETURN(AppendRequest r, BuildRequest(schema_, j, e.origin));
  return DraftLogged(++seq_, e.at, r.event);
}

// Does `steps` from the task's facts now take only legal steps and end in
// the entry's status?
absl::StatusOr<bool> TaskPlanner::Reaches(const std::vector<Step>& steps, const Entry& e) {
  TaskFacts f = facts_;
  for (Step s : steps) {
    ORCH_ASSIGN_OR_RETURN(LoggedEvent le, Simulate(StepJson(s, e, nullptr), e));
    if (CheckStep(f, le).problem != Problem::kNone) return false;
    ApplyEvent(&f, le);
  }
  return PredecessorStatus(f.state) == e.status;
}

absl::Status TaskPlanner::Emit(const std::vector<Step>& steps, const Entry& e, bool forced) {
  std::set<std::string> carried;
  for (Step s : steps) StepJson(s, e, &carried);
  std::vector<std::string> left;
  for (const auto& [key, value] : e.extras) {
    if (carried.count(key) == 0) left.push_back(absl::StrCat(key, ": ", value));
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    oj j = StepJson(steps[i], e, nullptr);
    if (i + 1 == steps.size() && !left.empty()) {
      AppendNote(j, absl::StrCat(" (codex-orchestrator ", absl::StrJoin(left, "; "), ")"));
    }
    ORCH_ASSIGN_OR_RETURN(LoggedEvent le, Simulate(j, e));
    const StepCheck check = CheckStep(facts_, le);
    bool observed = false;
    if (check.problem != Problem::kNone) {
      if (!forced)
        return absl::InternalError(absl::StrCat(e.origin, ": a checked path failed: ", check.reason));
      // The predecessor took a step orch's lifecycle has not: recorded as
      // it happened, with its status, so the guard records it.
      observed = true;
      j["claim"] = "observed";
      AppendNote(j, absl::StrCat(" [codex-orchestrator status ", e.status, " (", e.type,
                                 "); recorded as observed: ", check.reason, "]"));
      ORCH_ASSIGN_OR_RETURN(le, Simulate(j, e));
    }
    ApplyEvent(&facts_, le);
    if (steps[i] == Step::kWorktreeReady && j["payload"].contains("thread_id")) thread_carried_ = true;
    last_at_ = std::max(last_at_, e.at);
    out_.push_back(Draft{std::move(j), e.at, task_.id, e.origin, observed});
  }
  return absl::OkStatus();
}

absl::Status TaskPlanner::AddNote(const std::string& text, const std::string& evidence,
                                  const std::string& origin) {
  oj j = DraftJson("note", task_.id, last_at_, "");
  if (!evidence.empty()) j["evidence"] = evidence;
  j["payload"]["text"] = text;
  Entry where;
  where.at = last_at_;
  where.origin = origin;
  ORCH_RETURN_IF_ERROR(Simulate(j, where).status());
  out_.push_back(Draft{std::move(j), last_at_, task_.id, origin, false});
  return absl::OkStatus();
}

absl::Status TaskPlanner::OnEntry(const Entry& e) {
  last_at_ = std::max(last_at_, e.at);
  // A task orch does not know yet starts with its dispatch, whatever the
  // entry says (a history cut short starts later in the lifecycle).
  std::vector<Step> prefix;
  std::string now(PredecessorStatus(facts_.state));
  if (facts_.state == S::kUnknown) {
    prefix = {Step::kDispatch};
    now = "pending-setup";
  }
  if (e.status.empty() || e.status == now) {
    if (!prefix.empty()) return Emit(prefix, e, false);
    // Nothing changes: the entry is kept as a note.
    std::vector<std::string> parts;
    for (const auto& [key, value] : e.extras) parts.push_back(absl::StrCat(key, ": ", value));
    std::string text =
        absl::StrCat("codex-orchestrator ", e.type.empty() ? "entry" : e.type,
                     e.status.empty() ? "" : absl::StrCat(", status ", e.status), ": ", e.note);
    if (!parts.empty()) absl::StrAppend(&text, " (", absl::StrJoin(parts, "; "), ")");
    return AddNote(text, "", e.origin);
  }
  const Route& route = RouteTo(e.status);
  for (const std::vector<Step>& path : route.legal) {
    std::vector<Step> steps = prefix;
    steps.insert(steps.end(), path.begin(), path.end());
    ORCH_ASSIGN_OR_RETURN(bool reaches, Reaches(steps, e));
    if (reaches) return Emit(steps, e, /*forced=*/false);
  }
  std::vector<Step> steps = prefix;
  steps.insert(steps.end(), route.forced.begin(), route.forced.end());
  return Emit(steps, e, /*forced=*/true);
}

absl::Status TaskPlanner::Reconcile(int64_t at) {
  if (facts_.state != S::kUnknown && PredecessorStatus(facts_.state) == task_.status) return absl::OkStatus();
  if (task_.status.empty()) return absl::OkStatus();
  Entry e;
  e.at = std::max(at, last_at_);
  e.type = "ledger";
  e.status = task_.status;
  e.task = task_.id;
  e.note = absl::StrCat("codex-orchestrator's ledger has the task ", task_.status,
                        " (no history entry records the step)");
  e.origin = task_.origin + ".status";
  return OnEntry(e);
}

absl::Status TaskPlanner::Leftovers() {
  const Task& t = task_;
  const std::string& o = t.origin;
  // Fields of the ledger no event carried (a history that never reached
  // the step that records them).
  std::vector<std::string> fields;
  auto field = [&fields](const char* name, const std::string& ledger_value, const std::string& known) {
    if (!ledger_value.empty() && ledger_value != known)
      fields.push_back(absl::StrCat(name, ": ", ledger_value));
  };
  field("worktree", t.worktree, facts_.worktree);
  field("branch", t.branch, facts_.branch);
  field("baseCommit", t.base_commit, facts_.base_commit);
  field("pendingWorktreeId", t.pending_worktree_id, facts_.pending_worktree_id);
  if (!thread_carried_) field("threadId", t.thread_id, "");
  if (!t.expected_evidence.empty() && EvidenceRank(t.expected_evidence) <= 0) {
    fields.push_back(
        absl::StrCat("evidence.expected: ", t.expected_evidence, " (not an evidence label of orch)"));
  }
  if (!fields.empty()) {
    ORCH_RETURN_IF_ERROR(AddNote(
        absl::StrCat("codex-orchestrator task fields with no event in orch: ", absl::StrJoin(fields, "; ")),
        "", o));
  }
  // Labels are claims here: a passing gate or an accepted review backs a
  // label in orch (evidence.labels); an imported one shows in
  // evidence.notes as claimed, not backed.
  for (size_t i = 0; i < t.labels.size(); ++i) {
    const std::string& label = t.labels[i];
    const bool known = EvidenceRank(label) > 0;
    ORCH_RETURN_IF_ERROR(AddNote(absl::StrCat("codex-orchestrator evidence label '", label,
                                              "': its claim; no gate run recorded in orch backs it"),
                                 known ? label : "", absl::StrCat(o, ".evidence.labels[", i, "]")));
  }
  for (size_t i = 0; i < t.evidence_notes.size(); ++i) {
    ORCH_RETURN_IF_ERROR(AddNote(absl::StrCat("codex-orchestrator evidence note: ", t.evidence_notes[i]), "",
                                 absl::StrCat(o, ".evidence.notes[", i, "]")));
  }
  for (const auto& [key, value] : t.evidence_other) {
    ORCH_RETURN_IF_ERROR(AddNote(absl::StrCat("codex-orchestrator evidence.", key, ": ", value.dump()), "",
                                 absl::StrCat(o, ".evidence.", key)));
  }
  if (!t.last_observation.empty()) {
    std::vector<std::string> parts;
    for (const auto& [key, value] : t.last_observation)
      parts.push_back(absl::StrCat(key, ": ", value.get<std::string>()));
    ORCH_RETURN_IF_ERROR(
        AddNote(absl::StrCat("codex-orchestrator last observation: ", absl::StrJoin(parts, "; ")), "",
                o + ".lastObservation"));
  }
  for (const auto& [key, value] : t.unknown) {
    ORCH_RETURN_IF_ERROR(AddNote(absl::StrCat("codex-orchestrator task field ", key, ": ", value.dump()), "",
                                 absl::StrCat(o, ".", key)));
  }
  return absl::OkStatus();
}

}  // namespace

oj DraftJson(const std::string& type, const std::string& task, int64_t at, const std::string& note) {
  oj j;
  j["at"] = FormatRfc3339(at);
  j["type"] = type;
  if (!task.empty()) j["task"] = task;
  j["actor"] = kImportActor;
  j["claim"] = "reported";
  if (!note.empty()) j["note"] = note;
  j["payload"] = oj::object();
  return j;
}

absl::StatusOr<AppendRequest> BuildRequest(EventSchema& schema, const oj& j, const std::string& origin) {
  auto r = AppendRequestFromJson(schema, nlohmann::json::parse(j.dump()));
  if (!r.ok()) return absl::Status(r.status().code(), absl::StrCat(origin, ": ", r.status().message()));
  return r;
}

absl::StatusOr<std::vector<Draft>> PlanTask(EventSchema& schema, const Ledger& ledger, const Task& task,
                                            const std::vector<Entry>& entries, int64_t fallback_at) {
  TaskPlanner p(schema, ledger, task);
  for (const Entry& e : entries) ORCH_RETURN_IF_ERROR(p.OnEntry(e));
  ORCH_RETURN_IF_ERROR(p.Reconcile(fallback_at));
  ORCH_RETURN_IF_ERROR(p.Leftovers());
  return p.Take();
}

}  // namespace orch::importer

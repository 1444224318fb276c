#include "projections/render/ledger_json.h"

#include "base/time_text.h"
#include "projections/event_summary.h"
#include "projections/render/json_writer.h"
#include "projections/status_view.h"
#include "projections/task_rules.h"

namespace orch {

namespace {

using J = nlohmann::ordered_json;

// The predecessor's run modes: active, drain, paused.
std::string DispatchMode(const std::string& run_mode) { return run_mode == "draining" ? "drain" : run_mode; }

}  // namespace

std::string TimeText(int64_t unix_nanos) {
  if (unix_nanos == 0) return "";
  // absl::FormatTime is general and slow (a 10k-task ledger prints ~300k
  // times); this is FormatRfc3339's output for times after 1970, digit for
  // digit (ledger_json_test.cc compares them). Days to civil date: Howard
  // Hinnant's days_from_civil inverse.
  if (unix_nanos < 0) return FormatRfc3339(unix_nanos);
  const int64_t secs = unix_nanos / kNs;
  int64_t frac = unix_nanos % kNs;
  const int64_t days = secs / 86400, sod = secs % 86400;
  const int64_t z = days + 719468;
  const int64_t era = z / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char buf[32];
  auto put = [&buf](int at, int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) buf[at + i] = static_cast<char>('0' + v % 10);
  };
  put(0, year, 4);
  buf[4] = '-';
  put(5, month, 2);
  buf[7] = '-';
  put(8, day, 2);
  buf[10] = 'T';
  put(11, sod / 3600, 2);
  buf[13] = ':';
  put(14, sod / 60 % 60, 2);
  buf[16] = ':';
  put(17, sod % 60, 2);
  int n = 19;
  if (frac != 0) {
    int digits = 9;
    while (frac % 10 == 0) {
      frac /= 10;
      --digits;
    }
    buf[n++] = '.';
    put(n, frac, digits);
    n += digits;
  }
  buf[n++] = 'Z';
  return std::string(buf, n);
}

J InspectionToJson(const Inspection& i) {
  return J{{"seq", i.seq},
           {"at", TimeText(i.at)},
           {"head", i.head},
           {"branch", i.branch},
           {"branchMatches", i.branch_matches},
           {"worktreeExists", i.worktree_exists},
           {"baseIsAncestor", i.base_is_ancestor},
           {"aheadOfBase", i.ahead_of_base},
           {"behindIntegration", i.behind_integration},
           {"forbiddenTouched", i.forbidden_touched},
           {"outsideAllowed", i.outside_allowed},
           {"dirty", i.dirty},
           {"selfReviewPresent", i.self_review_present},
           {"reviewable", i.reviewable},
           {"problems", i.problems}};
}

namespace {

void WriteInspection(const Inspection& i, JsonWriter* w) {
  w->BeginObject();
  w->Key("seq");
  w->UInt(i.seq);
  w->Key("at");
  w->String(TimeText(i.at));
  w->Key("head");
  w->String(i.head);
  w->Key("branch");
  w->String(i.branch);
  w->Key("branchMatches");
  w->Bool(i.branch_matches);
  w->Key("worktreeExists");
  w->Bool(i.worktree_exists);
  w->Key("baseIsAncestor");
  w->Bool(i.base_is_ancestor);
  w->Key("aheadOfBase");
  w->Int(i.ahead_of_base);
  w->Key("behindIntegration");
  w->Int(i.behind_integration);
  w->Key("forbiddenTouched");
  w->Strings(i.forbidden_touched);
  w->Key("outsideAllowed");
  w->Strings(i.outside_allowed);
  w->Key("dirty");
  w->Strings(i.dirty);
  w->Key("selfReviewPresent");
  w->Bool(i.self_review_present);
  w->Key("reviewable");
  w->Bool(i.reviewable);
  w->Key("problems");
  w->Strings(i.problems);
  w->EndObject();
}

// Who and where: the predecessor's identity, delivery-unit and state fields.
void WriteIdentity(const TaskModel& t, JsonWriter* w) {
  w->Key("id");
  w->String(t.id);
  w->Key("title");
  w->String(t.title);
  w->Key("threadId");
  w->String(t.thread_id);
  w->Key("pendingWorktreeId");
  w->String(t.facts.pending_worktree_id);
  w->Key("packageId");
  w->String(t.package_id);
  w->Key("worktree");
  w->String(t.facts.worktree);
  w->Key("branch");
  w->String(t.facts.branch);
  w->Key("baseCommit");
  w->String(t.facts.base_commit);
  w->Key("status");
  w->String(PredecessorStatus(t.facts.state));
  w->Key("state");
  w->String(TaskStateName(t.facts.state));
  w->Key("writeSet");
  w->BeginObject();
  w->Key("allowed");
  w->Strings(t.facts.allowed);
  w->Key("forbidden");
  w->Strings(t.facts.forbidden);
  w->EndObject();
}

// The gates asked for and the evidence expected, backed and noted.
void WriteEvidence(const TaskModel& t, JsonWriter* w) {
  w->Key("gates");
  w->Strings(t.gates);
  w->Key("evidence");
  w->BeginObject();
  w->Key("expected");
  w->String(t.expected_evidence);
  w->Key("labels");
  w->Strings(t.facts.evidence_labels);
  w->Key("notes");
  w->Strings(t.evidence_notes);
  w->EndObject();
}

// The budgets and the constraint stack, each only when dispatched with one.
void WriteLimits(const TaskModel& t, JsonWriter* w) {
  if (!t.budget.empty()) {
    w->Key("budget");
    w->BeginObject();
    w->Key("maxRuntimeMinutes");
    w->Int(t.budget.runtime_minutes);
    w->Key("reviewBudgetMinutes");
    w->Int(t.budget.review_minutes);
    w->Key("note");
    w->String(t.budget.note);
    w->EndObject();
  }
  if (const ConstraintStack& c = t.constraint_stack; !c.empty()) {
    w->Key("constraintStack");
    w->BeginObject();
    w->Key("userInstruction");
    w->String(c.user_instruction);
    w->Key("constraints");
    w->Strings(c.constraints);
    w->Key("allowedPaths");
    w->Strings(c.allowed_paths);
    w->Key("forbiddenPaths");
    w->Strings(c.forbidden_paths);
    w->Key("requiredGates");
    w->Strings(c.required_gates);
    w->Key("evidenceBoundary");
    w->String(c.evidence_boundary);
    w->Key("authority");
    w->Strings(c.authority);
    w->Key("packageId");
    w->String(c.package_id);
    w->Key("packageSwitchReason");
    w->String(c.package_switch_reason);
    w->EndObject();
  }
}

// The latest observation and the history entries (all values strings).
void WriteObservationAndHistory(const TaskModel& t, JsonWriter* w) {
  w->Key("lastObservation");
  w->BeginObject();
  w->Key("at");
  w->String(TimeText(t.last_observation.at));
  w->Key("result");
  w->String(t.last_observation.result);
  w->Key("note");
  w->String(t.last_observation.note);
  w->EndObject();
  w->Key("history");
  w->BeginArray();
  for (const HistoryEntry& h : t.history) {
    w->BeginObject();
    w->Key("at");
    w->String(TimeText(h.at));
    w->Key("type");
    w->String(EventTypeName(h.type));
    w->Key("status");
    w->String(PredecessorStatus(h.status));
    w->Key("note");
    w->String(h.note.empty() ? h.summary : h.note);
    w->Key("state");
    w->String(TaskStateName(h.status));
    w->Key("seq");
    w->String(std::to_string(h.seq));
    w->Key("summary");
    w->String(h.summary);
    w->Key("anomaly");
    w->String(h.anomaly);
    w->EndObject();
  }
  w->EndArray();
}

// orch's own: who works on it, since when, and what it has to show.
void WriteProgress(const TaskModel& t, JsonWriter* w) {
  w->Key("worker");
  w->String(t.worker);
  w->Key("dispatchedAt");
  w->String(TimeText(t.dispatched_at));
  w->Key("updatedAt");
  w->String(TimeText(t.facts.last_at));
  w->Key("stateSince");
  w->String(TimeText(t.state_since));
  w->Key("evidenceReached");
  w->String(EvidenceSummary(t));
  w->Key("lastCommit");
  w->String(t.last_commit);
  w->Key("commits");
  w->Int(t.commits);
  w->Key("claimedEvidence");
  w->String(t.claimed_evidence);
}

// The review and the gate runs.
void WriteReviewAndGates(const TaskModel& t, JsonWriter* w) {
  w->Key("review");
  w->BeginObject();
  w->Key("verdict");
  w->String(t.verdict);
  w->Key("reviewer");
  w->String(t.reviewer);
  w->Key("evidence");
  w->String(t.review_evidence);
  w->Key("residualRisks");
  w->Strings(t.residual_risks);
  w->EndObject();
  w->Key("gateRuns");
  w->BeginArray();
  for (const GateRun& g : t.gate_runs) {
    w->BeginObject();
    w->Key("at");
    w->String(TimeText(g.at));
    w->Key("command");
    w->String(g.command);
    w->Key("result");
    w->String(g.result);
    w->Key("label");
    w->String(g.label);
    w->Key("logPath");
    w->String(g.log_path);
    w->EndObject();
  }
  w->EndArray();
}

// Integration and clean-up.
void WriteIntegration(const TaskModel& t, JsonWriter* w) {
  w->Key("mergeCommit");
  w->String(t.facts.merge_commit);
  w->Key("pushedCommit");
  w->String(t.facts.pushed_commit);
  w->Key("mergedAt");
  w->String(TimeText(t.merged_at));
  w->Key("pushedAt");
  w->String(TimeText(t.pushed_at));
  w->Key("cleanedAt");
  w->String(TimeText(t.cleaned_at));
  w->Key("worktreeRemoved");
  w->Bool(t.worktree_removed);
  w->Key("branchDeleted");
  w->Bool(t.branch_deleted);
  w->Key("blockedReason");
  w->String(t.blocked_reason);
}

// Attention, counts and the latest inspection that counts.
void WriteAttention(const TaskModel& t, JsonWriter* w) {
  w->Key("needsHuman");
  w->Bool(NeedsHuman(t));
  w->Key("anomalies");
  w->UInt(t.anomalies);
  w->Key("events");
  w->UInt(t.events);
  w->Key("historyDropped");
  w->UInt(t.history_dropped);
  w->Key("inspection");
  if (t.facts.has_inspection) {
    WriteInspection(t.facts.inspection, w);
  } else {
    w->Null();
  }
}

void WriteTask(const TaskModel& t, JsonWriter* w) {
  w->BeginObject();
  // The predecessor's fields, in its order.
  WriteIdentity(t, w);
  WriteEvidence(t, w);
  WriteLimits(t, w);
  WriteObservationAndHistory(t, w);
  // orch's own.
  WriteProgress(t, w);
  WriteReviewAndGates(t, w);
  WriteIntegration(t, w);
  WriteAttention(t, w);
  w->EndObject();
}

// The predecessor's project fields, in its order.
void WriteProjectFields(const ProjectModel& m, JsonWriter* w) {
  w->Key("projectRoot");
  w->String(m.settings.project_root);
  w->Key("defaultBranch");
  w->String(m.settings.default_branch);
  w->Key("remote");
  w->String(m.settings.remote);
  w->Key("pushPolicy");
  w->String(m.settings.push_policy);
  w->Key("maxConcurrency");
  w->Int(m.settings.max_concurrency);
  w->Key("createdAt");
  w->String(TimeText(m.initialized ? m.created_at : m.first_at));
  w->Key("updatedAt");
  w->String(TimeText(m.last_at));
  w->Key("dispatchMode");
  w->String(DispatchMode(m.run_mode));
  w->Key("dispatchNote");
  w->String(m.run_mode_reason);
}

// orch's own: where in the log, the run mode and the current lane.
void WriteLogPosition(const ProjectModel& m, JsonWriter* w) {
  w->Key("generator");
  w->String("orch");
  w->Key("headSeq");
  w->UInt(m.head_seq);
  w->Key("runMode");
  w->BeginObject();
  w->Key("mode");
  w->String(m.run_mode);
  w->Key("reason");
  w->String(m.run_mode_reason);
  w->Key("since");
  w->String(TimeText(m.run_mode_since));
  w->EndObject();
  w->Key("currentLane");
  w->String(m.current_lane);
}

// The lanes, in the order they were opened.
void WritePackages(const ProjectModel& m, JsonWriter* w) {
  w->Key("packages");
  w->BeginArray();
  for (const PackageModel& p : m.packages) {
    w->BeginObject();
    w->Key("id");
    w->String(p.id);
    w->Key("title");
    w->String(p.title);
    w->Key("status");
    w->String(LaneStatusName(p.status));
    w->Key("reason");
    w->String(p.reason);
    w->Key("needsHuman");
    w->Bool(p.needs_human);
    w->Key("openedAt");
    w->String(TimeText(p.opened_at));
    w->Key("changedAt");
    w->String(TimeText(p.changed_at));
    w->EndObject();
  }
  w->EndArray();
}

void WriteHeartbeat(const ProjectModel& m, JsonWriter* w) {
  w->Key("heartbeat");
  w->BeginObject();
  w->Key("last");
  w->String(TimeText(m.last_heartbeat_at));
  w->Key("source");
  w->String(m.last_heartbeat_source);
  w->Key("nextExpected");
  w->String(TimeText(m.next_heartbeat_at));
  w->Key("count");
  w->UInt(m.heartbeats);
  w->Key("missed");
  w->UInt(m.missed_total);
  w->EndObject();
}

}  // namespace

std::string RenderLedgerJson(const ProjectModel& m) {
  std::string out;
  // About 4 KB a task pretty-printed: one allocation instead of doublings.
  out.reserve(4096 + m.tasks.size() * 4096);
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("version");
  w.Int(kLedgerVersion);
  WriteProjectFields(m, &w);
  w.Key("tasks");
  w.BeginArray();
  for (const TaskModel& t : m.tasks) WriteTask(t, &w);
  w.EndArray();
  // orch's own.
  WriteLogPosition(m, &w);
  WritePackages(m, &w);
  WriteHeartbeat(m, &w);
  w.Key("anomalies");
  w.UInt(m.anomalies_total);
  w.EndObject();
  out.push_back('\n');
  return out;
}

}  // namespace orch

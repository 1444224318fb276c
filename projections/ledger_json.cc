#include "projections/ledger_json.h"

#include "projections/event_summary.h"
#include "projections/status_view.h"
#include "schema/time_text.h"

namespace orch {

namespace {

using J = nlohmann::ordered_json;

J TaskToJson(const TaskModel& t) {
  J j;
  // The predecessor's fields, in its order.
  j["id"] = t.id;
  j["title"] = t.title;
  j["threadId"] = t.thread_id;
  j["pendingWorktreeId"] = t.pending_worktree_id;
  j["packageId"] = t.package_id;
  j["worktree"] = t.worktree;
  j["branch"] = t.branch;
  j["baseCommit"] = t.base_commit;
  j["status"] = TaskStateName(t.life.state);
  j["writeSet"] = {{"allowed", t.allowed}, {"forbidden", t.forbidden}};
  j["gates"] = t.gates;
  j["evidence"] = {{"expected", t.expected_evidence}, {"labels", t.evidence_labels}, {"notes", t.evidence_notes}};
  j["lastObservation"] = {{"at", TimeText(t.last_observation.at)},
                          {"result", t.last_observation.result},
                          {"note", t.last_observation.note}};
  J history = J::array();
  for (const HistoryEntry& h : t.history) {
    history.push_back({{"at", TimeText(h.at)},
                       {"type", EventTypeName(h.type)},
                       {"status", TaskStateName(h.status)},
                       {"note", h.note.empty() ? h.summary : h.note},
                       {"seq", h.seq},
                       {"summary", h.summary},
                       {"anomaly", h.anomaly}});
  }
  j["history"] = std::move(history);
  // orch's own.
  j["worker"] = t.worker;
  j["dispatchedAt"] = TimeText(t.dispatched_at);
  j["updatedAt"] = TimeText(t.updated_at);
  j["stateSince"] = TimeText(t.state_since);
  j["evidenceReached"] = EvidenceSummary(t);
  j["lastCommit"] = t.last_commit;
  j["commits"] = t.commits;
  j["claimedEvidence"] = t.claimed_evidence;
  j["review"] = {{"verdict", t.verdict},
                 {"reviewer", t.reviewer},
                 {"evidence", t.review_evidence},
                 {"residualRisks", t.residual_risks}};
  J gates = J::array();
  for (const GateRun& g : t.gate_runs) {
    gates.push_back({{"at", TimeText(g.at)},
                     {"command", g.command},
                     {"result", g.result},
                     {"label", g.label},
                     {"logPath", g.log_path}});
  }
  j["gateRuns"] = std::move(gates);
  j["mergeCommit"] = t.merge_commit;
  j["pushedCommit"] = t.pushed_commit;
  j["mergedAt"] = TimeText(t.merged_at);
  j["pushedAt"] = TimeText(t.pushed_at);
  j["cleanedAt"] = TimeText(t.cleaned_at);
  j["worktreeRemoved"] = t.worktree_removed;
  j["branchDeleted"] = t.branch_deleted;
  j["blockedReason"] = t.blocked_reason;
  j["needsHuman"] = t.needs_human && t.life.state == TaskState::kBlocked;
  j["anomalies"] = t.anomalies;
  j["events"] = t.events;
  j["historyDropped"] = t.history_dropped;
  j["inspection"] = t.has_inspection ? InspectionToJson(t.inspection) : J(nullptr);
  return j;
}

}  // namespace

std::string TimeText(int64_t unix_nanos) { return unix_nanos == 0 ? "" : FormatRfc3339(unix_nanos); }

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

J LedgerToJson(const ProjectModel& m) {
  J j;
  j["version"] = kLedgerVersion;
  j["projectRoot"] = m.project_root;
  j["defaultBranch"] = m.default_branch;
  j["remote"] = m.remote;
  j["pushPolicy"] = m.push_policy;
  j["maxConcurrency"] = m.max_concurrency;
  j["createdAt"] = TimeText(m.initialized ? m.created_at : m.first_at);
  j["updatedAt"] = TimeText(m.last_at);
  J tasks = J::array();
  for (const TaskModel& t : m.tasks) tasks.push_back(TaskToJson(t));
  j["tasks"] = std::move(tasks);
  // orch's own.
  j["generator"] = "orch";
  j["headSeq"] = m.head_seq;
  j["runMode"] = {{"mode", m.run_mode}, {"reason", m.run_mode_reason}, {"since", TimeText(m.run_mode_since)}};
  j["currentLane"] = m.current_lane;
  J packages = J::array();
  for (const PackageModel& p : m.packages) {
    packages.push_back({{"id", p.id},
                        {"title", p.title},
                        {"status", p.status},
                        {"reason", p.reason},
                        {"needsHuman", p.needs_human},
                        {"openedAt", TimeText(p.opened_at)},
                        {"changedAt", TimeText(p.changed_at)}});
  }
  j["packages"] = std::move(packages);
  j["heartbeat"] = {{"last", TimeText(m.last_heartbeat_at)},
                    {"source", m.last_heartbeat_source},
                    {"nextExpected", TimeText(m.next_heartbeat_at)},
                    {"count", m.heartbeats},
                    {"missed", m.missed_total}};
  j["anomalies"] = m.anomalies_total;
  return j;
}

std::string RenderLedgerJson(const ProjectModel& m) {
  // replace: a non-UTF-8 byte in an event must not make the dump throw.
  return LedgerToJson(m).dump(2, ' ', false, J::error_handler_t::replace) + "\n";
}

}  // namespace orch

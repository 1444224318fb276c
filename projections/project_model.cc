#include "projections/project_model.h"

namespace orch {

const TaskModel* ProjectModel::FindTask(const std::string& id) const {
  auto it = task_index.find(id);
  return it == task_index.end() ? nullptr : &tasks[it->second];
}

const PackageModel* ProjectModel::FindPackage(const std::string& id) const {
  for (const PackageModel& p : packages) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

bool ConstraintStack::empty() const {
  return user_instruction.empty() && constraints.empty() && allowed_paths.empty() &&
         forbidden_paths.empty() && required_gates.empty() && evidence_boundary.empty() &&
         authority.empty() && package_id.empty() && package_switch_reason.empty();
}

void ProjectModel::RebuildIndex() {
  task_index.clear();
  task_index.reserve(tasks.size());
  for (size_t i = 0; i < tasks.size(); ++i) task_index.emplace(tasks[i].id, i);
}

}  // namespace orch

namespace orch {

// Every field, by hand (see field_diff.h); model_codec.cc checks the counts
// and model_codec_test.cc that each one is compared.
void Compare(const std::string& p, const HistoryEntry& a, const HistoryEntry& b, Differences* out) {
  Compare(p + ".seq", a.seq, b.seq, out);
  Compare(p + ".at", a.at, b.at, out);
  Compare(p + ".type", a.type, b.type, out);
  Compare(p + ".status", a.status, b.status, out);
  Compare(p + ".note", a.note, b.note, out);
  Compare(p + ".summary", a.summary, b.summary, out);
  Compare(p + ".anomaly", a.anomaly, b.anomaly, out);
}

void Compare(const std::string& p, const Transition& a, const Transition& b, Differences* out) {
  Compare(p + ".at", a.at, b.at, out);
  Compare(p + ".state", a.state, b.state, out);
}

void Compare(const std::string& p, const GateRun& a, const GateRun& b, Differences* out) {
  Compare(p + ".at", a.at, b.at, out);
  Compare(p + ".command", a.command, b.command, out);
  Compare(p + ".result", a.result, b.result, out);
  Compare(p + ".label", a.label, b.label, out);
  Compare(p + ".log_path", a.log_path, b.log_path, out);
}

void Compare(const std::string& p, const Observation& a, const Observation& b, Differences* out) {
  Compare(p + ".at", a.at, b.at, out);
  Compare(p + ".result", a.result, b.result, out);
  Compare(p + ".note", a.note, b.note, out);
}

void Compare(const std::string& p, const Budget& a, const Budget& b, Differences* out) {
  Compare(p + ".runtime_minutes", a.runtime_minutes, b.runtime_minutes, out);
  Compare(p + ".review_minutes", a.review_minutes, b.review_minutes, out);
  Compare(p + ".note", a.note, b.note, out);
}

void Compare(const std::string& p, const ConstraintStack& a, const ConstraintStack& b, Differences* out) {
  Compare(p + ".user_instruction", a.user_instruction, b.user_instruction, out);
  Compare(p + ".constraints", a.constraints, b.constraints, out);
  Compare(p + ".allowed_paths", a.allowed_paths, b.allowed_paths, out);
  Compare(p + ".forbidden_paths", a.forbidden_paths, b.forbidden_paths, out);
  Compare(p + ".required_gates", a.required_gates, b.required_gates, out);
  Compare(p + ".evidence_boundary", a.evidence_boundary, b.evidence_boundary, out);
  Compare(p + ".authority", a.authority, b.authority, out);
  Compare(p + ".package_id", a.package_id, b.package_id, out);
  Compare(p + ".package_switch_reason", a.package_switch_reason, b.package_switch_reason, out);
}

void Compare(const std::string& p, const TaskModel& a, const TaskModel& b, Differences* out) {
  Compare(p + ".id", a.id, b.id, out);
  Compare(p + ".first_seq", a.first_seq, b.first_seq, out);
  Compare(p + ".facts", a.facts, b.facts, out);
  Compare(p + ".title", a.title, b.title, out);
  Compare(p + ".package_id", a.package_id, b.package_id, out);
  Compare(p + ".worker", a.worker, b.worker, out);
  Compare(p + ".thread_id", a.thread_id, b.thread_id, out);
  Compare(p + ".gates", a.gates, b.gates, out);
  Compare(p + ".expected_evidence", a.expected_evidence, b.expected_evidence, out);
  Compare(p + ".dispatched_at", a.dispatched_at, b.dispatched_at, out);
  Compare(p + ".budget", a.budget, b.budget, out);
  Compare(p + ".constraint_stack", a.constraint_stack, b.constraint_stack, out);
  Compare(p + ".state_since", a.state_since, b.state_since, out);
  Compare(p + ".last_commit", a.last_commit, b.last_commit, out);
  Compare(p + ".claimed_evidence", a.claimed_evidence, b.claimed_evidence, out);
  Compare(p + ".verdict", a.verdict, b.verdict, out);
  Compare(p + ".reviewer", a.reviewer, b.reviewer, out);
  Compare(p + ".review_evidence", a.review_evidence, b.review_evidence, out);
  Compare(p + ".commits", a.commits, b.commits, out);
  Compare(p + ".residual_risks", a.residual_risks, b.residual_risks, out);
  Compare(p + ".review_override", a.review_override, b.review_override, out);
  Compare(p + ".review_overridden", a.review_overridden, b.review_overridden, out);
  Compare(p + ".gate_runs", a.gate_runs, b.gate_runs, out);
  Compare(p + ".evidence_notes", a.evidence_notes, b.evidence_notes, out);
  Compare(p + ".merged_at", a.merged_at, b.merged_at, out);
  Compare(p + ".pushed_at", a.pushed_at, b.pushed_at, out);
  Compare(p + ".cleaned_at", a.cleaned_at, b.cleaned_at, out);
  Compare(p + ".worktree_removed", a.worktree_removed, b.worktree_removed, out);
  Compare(p + ".branch_deleted", a.branch_deleted, b.branch_deleted, out);
  Compare(p + ".blocked_reason", a.blocked_reason, b.blocked_reason, out);
  Compare(p + ".needs_human", a.needs_human, b.needs_human, out);
  Compare(p + ".stale_action", a.stale_action, b.stale_action, out);
  Compare(p + ".idle_seconds", a.idle_seconds, b.idle_seconds, out);
  Compare(p + ".stale_reason", a.stale_reason, b.stale_reason, out);
  Compare(p + ".stale_since", a.stale_since, b.stale_since, out);
  Compare(p + ".progress_at", a.progress_at, b.progress_at, out);
  Compare(p + ".ready_at", a.ready_at, b.ready_at, out);
  Compare(p + ".stalls", a.stalls, b.stalls, out);
  Compare(p + ".dirt", a.dirt, b.dirt, out);
  Compare(p + ".dirty_at", a.dirty_at, b.dirty_at, out);
  Compare(p + ".last_observation", a.last_observation, b.last_observation, out);
  Compare(p + ".events", a.events, b.events, out);
  Compare(p + ".anomalies", a.anomalies, b.anomalies, out);
  Compare(p + ".history_dropped", a.history_dropped, b.history_dropped, out);
  Compare(p + ".history", a.history, b.history, out);
  Compare(p + ".transitions", a.transitions, b.transitions, out);
}

absl::string_view LaneStatusName(LaneStatus s) {
  switch (s) {
    case LaneStatus::kOpen:
      return "open";
    case LaneStatus::kBlocked:
      return "blocked";
    case LaneStatus::kClosed:
      return "closed";
  }
  return "open";
}

bool ParseLaneStatus(absl::string_view name, LaneStatus* out) {
  for (LaneStatus s : {LaneStatus::kOpen, LaneStatus::kBlocked, LaneStatus::kClosed}) {
    if (LaneStatusName(s) == name) {
      *out = s;
      return true;
    }
  }
  return false;
}

void Compare(const std::string& path, LaneStatus a, LaneStatus b, Differences* out) {
  if (a != b) out->push_back(absl::StrCat(path, ": ", LaneStatusName(a), " vs ", LaneStatusName(b)));
}

void Compare(const std::string& p, const PackageModel& a, const PackageModel& b, Differences* out) {
  Compare(p + ".id", a.id, b.id, out);
  Compare(p + ".title", a.title, b.title, out);
  Compare(p + ".reason", a.reason, b.reason, out);
  Compare(p + ".status", a.status, b.status, out);
  Compare(p + ".needs_human", a.needs_human, b.needs_human, out);
  Compare(p + ".opened_at", a.opened_at, b.opened_at, out);
  Compare(p + ".changed_at", a.changed_at, b.changed_at, out);
}

void Compare(const std::string& p, const LaneChange& a, const LaneChange& b, Differences* out) {
  Compare(p + ".at", a.at, b.at, out);
  Compare(p + ".package_id", a.package_id, b.package_id, out);
  Compare(p + ".what", a.what, b.what, out);
}

void Compare(const std::string& p, const MissedHeartbeat& a, const MissedHeartbeat& b, Differences* out) {
  Compare(p + ".seq", a.seq, b.seq, out);
  Compare(p + ".at", a.at, b.at, out);
  Compare(p + ".expected_at", a.expected_at, b.expected_at, out);
  Compare(p + ".gap_seconds", a.gap_seconds, b.gap_seconds, out);
}

void Compare(const std::string& p, const HeartbeatHole& a, const HeartbeatHole& b, Differences* out) {
  Compare(p + ".beat_at", a.beat_at, b.beat_at, out);
  Compare(p + ".first_expected_at", a.first_expected_at, b.first_expected_at, out);
  Compare(p + ".cadence_seconds", a.cadence_seconds, b.cadence_seconds, out);
  Compare(p + ".closed_at", a.closed_at, b.closed_at, out);
}

void Compare(const std::string& p, const Finding& a, const Finding& b, Differences* out) {
  Compare(p + ".seq", a.seq, b.seq, out);
  Compare(p + ".at", a.at, b.at, out);
  Compare(p + ".task", a.task, b.task, out);
  Compare(p + ".type", a.type, b.type, out);
  Compare(p + ".kind", a.kind, b.kind, out);
  Compare(p + ".detail", a.detail, b.detail, out);
}

void Compare(const std::string& p, const ExternalReview& a, const ExternalReview& b, Differences* out) {
  Compare(p + ".seq", a.seq, b.seq, out);
  Compare(p + ".at", a.at, b.at, out);
  Compare(p + ".reviewer", a.reviewer, b.reviewer, out);
  Compare(p + ".file", a.file, b.file, out);
  Compare(p + ".task", a.task, b.task, out);
  Compare(p + ".package_id", a.package_id, b.package_id, out);
  Compare(p + ".status", a.status, b.status, out);
  Compare(p + ".p1", a.p1, b.p1, out);
  Compare(p + ".p2", a.p2, b.p2, out);
}

void Compare(const std::string& p, const RecentEvent& a, const RecentEvent& b, Differences* out) {
  Compare(p + ".seq", a.seq, b.seq, out);
  Compare(p + ".at", a.at, b.at, out);
  Compare(p + ".task", a.task, b.task, out);
  Compare(p + ".type", a.type, b.type, out);
  Compare(p + ".claim", a.claim, b.claim, out);
  Compare(p + ".summary", a.summary, b.summary, out);
  Compare(p + ".note", a.note, b.note, out);
  Compare(p + ".anomaly", a.anomaly, b.anomaly, out);
}

void Compare(const std::string& p, const ProjectModel& a, const ProjectModel& b, Differences* out) {
  const std::string d = p.empty() ? "" : p + ".";
  Compare(d + "head_seq", a.head_seq, b.head_seq, out);
  Compare(d + "events", a.events, b.events, out);
  Compare(d + "first_at", a.first_at, b.first_at, out);
  Compare(d + "last_at", a.last_at, b.last_at, out);
  Compare(d + "max_at", a.max_at, b.max_at, out);
  Compare(d + "initialized", a.initialized, b.initialized, out);
  Compare(d + "created_at", a.created_at, b.created_at, out);
  Compare(d + "settings", a.settings, b.settings, out);
  Compare(d + "missed_after_seconds", a.missed_after_seconds, b.missed_after_seconds, out);
  Compare(d + "stale_after_seconds", a.stale_after_seconds, b.stale_after_seconds, out);
  Compare(d + "watch_every_seconds", a.watch_every_seconds, b.watch_every_seconds, out);
  Compare(d + "setup_allowance_seconds", a.setup_allowance_seconds, b.setup_allowance_seconds, out);
  Compare(d + "serial_paths", a.serial_paths, b.serial_paths, out);
  Compare(d + "integration_dirty", a.integration_dirty, b.integration_dirty, out);
  Compare(d + "integration_dirty_since", a.integration_dirty_since, b.integration_dirty_since, out);
  Compare(d + "integration_dirt", a.integration_dirt, b.integration_dirt, out);
  Compare(d + "integration_seq", a.integration_seq, b.integration_seq, out);
  Compare(d + "run_mode", a.run_mode, b.run_mode, out);
  Compare(d + "run_mode_reason", a.run_mode_reason, b.run_mode_reason, out);
  Compare(d + "run_mode_since", a.run_mode_since, b.run_mode_since, out);
  Compare(d + "last_heartbeat_at", a.last_heartbeat_at, b.last_heartbeat_at, out);
  Compare(d + "next_heartbeat_at", a.next_heartbeat_at, b.next_heartbeat_at, out);
  Compare(d + "last_heartbeat_source", a.last_heartbeat_source, b.last_heartbeat_source, out);
  Compare(d + "heartbeats", a.heartbeats, b.heartbeats, out);
  Compare(d + "missed_total", a.missed_total, b.missed_total, out);
  Compare(d + "heartbeat_ticks", a.heartbeat_ticks, b.heartbeat_ticks, out);
  Compare(d + "missed", a.missed, b.missed, out);
  Compare(d + "missed_through", a.missed_through, b.missed_through, out);
  Compare(d + "holes", a.holes, b.holes, out);
  Compare(d + "packages", a.packages, b.packages, out);
  Compare(d + "current_lane", a.current_lane, b.current_lane, out);
  Compare(d + "lane_changes", a.lane_changes, b.lane_changes, out);
  // Tasks are named by id: "tasks[T1].title".
  if (a.tasks.size() != b.tasks.size()) {
    out->push_back(absl::StrCat(d, "tasks: ", a.tasks.size(), " items vs ", b.tasks.size()));
  } else {
    for (size_t i = 0; i < a.tasks.size(); ++i) {
      Compare(absl::StrCat(d, "tasks[", a.tasks[i].id, "]"), a.tasks[i], b.tasks[i], out);
    }
  }
  Compare(d + "anomalies_total", a.anomalies_total, b.anomalies_total, out);
  Compare(d + "drift_total", a.drift_total, b.drift_total, out);
  Compare(d + "anomalies", a.anomalies, b.anomalies, out);
  Compare(d + "drift", a.drift, b.drift, out);
  Compare(d + "recent", a.recent, b.recent, out);
  Compare(d + "external_reviews_total", a.external_reviews_total, b.external_reviews_total, out);
  Compare(d + "external_reviews", a.external_reviews, b.external_reviews, out);
}

Differences ModelDifferences(const ProjectModel& a, const ProjectModel& b) {
  Differences d;
  Compare("", a, b, &d);
  return d;
}

bool operator==(const ProjectModel& a, const ProjectModel& b) { return ModelDifferences(a, b).empty(); }

}  // namespace orch

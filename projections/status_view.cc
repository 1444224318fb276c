#include "projections/status_view.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/time_text.h"
#include "projections/lane_rules.h"
#include "projections/task_rules.h"
#include "schema/event_schema.h"

namespace orch {

namespace {

using S = TaskState;

int64_t Secs(int64_t from, int64_t to) { return from == 0 || to < from ? 0 : (to - from) / kNs; }

// Keeps the newest kSinceLimit (tasks come in dispatch order) and counts all.
void AddHappened(std::vector<Happened>* list, size_t* count, Happened h) {
  ++*count;
  list->push_back(std::move(h));
  // Trim in chunks so a long list costs linear time, not quadratic.
  if (list->size() >= 2 * kSinceLimit) list->erase(list->begin(), list->end() - kSinceLimit);
}

void TrimHappened(std::vector<Happened>* list) {
  if (list->size() > kSinceLimit) list->erase(list->begin(), list->end() - kSinceLimit);
}

void AddLeftBehind(const TaskModel& t, StatusView* v) {
  std::vector<std::string> what;
  switch (t.facts.state) {
    case S::kCleaned:
      if (!t.worktree_removed && !t.facts.worktree.empty())
        what.push_back(absl::StrCat("worktree ", t.facts.worktree, " kept"));
      if (!t.branch_deleted && !t.facts.branch.empty())
        what.push_back(absl::StrCat("branch ", t.facts.branch, " kept"));
      break;
    case S::kCleanupNeeded:
      what.push_back(absl::StrCat("cleanup needed: ", t.last_observation.note.empty()
                                                          ? "git still shows the task after it was cleaned"
                                                          : t.last_observation.note));
      break;
    case S::kMerged:
    case S::kPushed:
    case S::kAbandoned:
    case S::kRejected: {
      std::string left;
      if (!t.facts.worktree.empty()) left = absl::StrCat("worktree ", t.facts.worktree);
      if (!t.facts.branch.empty())
        absl::StrAppend(&left, left.empty() ? "" : " and ", "branch ", t.facts.branch);
      if (!left.empty()) what.push_back(absl::StrCat(TaskStateName(t.facts.state), ", not cleaned: ", left));
      break;
    }
    case S::kUnknown:
    case S::kPendingSetup:
    case S::kActive:
    case S::kCompletedUnreviewed:
    case S::kReviewing:
    case S::kAccepted:
    case S::kBlocked:
    case S::kStaleNeedsInspection:
      break;  // still in the loop: nothing is left behind yet
  }
  for (std::string& w : what) {
    if (v->left_behind_count++ < kSinceLimit) v->left_behind.push_back({t.id, std::move(w)});
  }
}

}  // namespace

std::string EvidenceSummary(const TaskModel& t) {
  // Only backed labels (the task fold's): an overclaimed review recorded as
  // observed does not count.
  const std::vector<std::string>& backed = t.facts.evidence_labels;
  if (t.verdict == "accepted" && Backs(t.facts, t.review_evidence)) return t.review_evidence;
  std::string best;
  for (const std::string& l : backed) {
    if (EvidenceRank(l) > EvidenceRank(best)) best = l;
  }
  if (!best.empty()) return best;
  if (!t.claimed_evidence.empty()) return absl::StrCat(t.claimed_evidence, " (claimed)");
  return "";
}

TaskRow MakeTaskRow(const TaskModel& t, int64_t now) {
  TaskRow r;
  r.id = t.id;
  r.title = t.title;
  r.state = std::string(TaskStateName(t.facts.state));
  r.package = t.package_id;
  r.branch = t.facts.branch;
  r.worker = t.worker;
  r.evidence = EvidenceSummary(t);
  r.in_state_seconds = Secs(t.state_since, now);
  r.age_seconds = Secs(t.dispatched_at, now);
  r.anomalies = t.anomalies;
  r.override_reason = t.review_override;
  switch (t.facts.state) {
    case S::kBlocked:
    case S::kAbandoned:
      r.why = t.blocked_reason;
      break;
    case S::kStaleNeedsInspection:
      r.why = absl::StrCat("idle ", FormatDurationShort(t.idle_seconds),
                           t.stale_action.empty() ? "" : ": " + t.stale_action);
      break;
    case S::kRejected:
      r.why = absl::StrCat("rejected by ", t.reviewer.empty() ? "review" : t.reviewer);
      break;
    case S::kCleanupNeeded:
      r.why = t.last_observation.note;
      break;
    case S::kUnknown:
    case S::kPendingSetup:
    case S::kActive:
    case S::kCompletedUnreviewed:
    case S::kReviewing:
    case S::kAccepted:
    case S::kMerged:
    case S::kPushed:
    case S::kCleaned:
      break;  // the state says it all
  }
  return r;
}

namespace {

// The current lane, its tasks and what keeps it from closing.
void AddLane(const ProjectModel& m, int64_t now, StatusView* v) {
  if (const PackageModel* p = m.current_lane.empty() ? nullptr : m.FindPackage(m.current_lane)) {
    v->lane_title = p->title;
    v->lane_status = std::string(LaneStatusName(p->status));
    v->lane_reason = p->reason;
    for (const TaskModel* t : LaneTasks(m, p->id)) {
      if (v->lane_tasks.size() < kTableLimit) v->lane_tasks.push_back(MakeTaskRow(*t, now));
    }
    const LaneProgress progress = ProgressOf(m, p->id);
    v->lane_tasks_total = progress.tasks;
    v->lane_tasks_done = progress.done;
    v->lane_tasks_accepted = progress.accepted;
    v->lane_close_blockers = LaneCloseBlockers(m, p->id);
  }
}

// The run mode, the slots and the heartbeats.
void AddLoop(const ProjectModel& m, int64_t now, int64_t since, StatusView* v) {
  v->run_mode = m.run_mode;
  v->run_mode_reason = m.run_mode_reason;
  v->run_mode_since = m.run_mode_since;
  v->max_concurrency = m.settings.max_concurrency;
  v->last_heartbeat_at = m.last_heartbeat_at;
  v->next_heartbeat_at = m.next_heartbeat_at;
  v->last_heartbeat_source = m.last_heartbeat_source;
  v->heartbeat_overdue = m.next_heartbeat_at != 0 && now > m.next_heartbeat_at;
  if (v->heartbeat_overdue) v->overdue_seconds = (now - m.next_heartbeat_at) / kNs;
  v->missed_total = m.missed_total;
  for (const MissedHeartbeat& h : m.missed) {
    if (h.at >= since) v->missed_since.push_back(h);
  }
}

// What needs a human about the project itself: blocked lanes, the loop
// and the integration checkout.
void AddProjectAttention(const ProjectModel& m, StatusView* v) {
  for (const PackageModel& p : m.packages) {
    if (p.status == LaneStatus::kBlocked && p.needs_human)
      v->needs_human.push_back({absl::StrCat("lane ", p.id), p.reason});
  }
  if (v->heartbeat_overdue) {
    v->needs_human.push_back(
        {"loop", absl::StrCat("no heartbeat since ", FormatRfc3339(m.last_heartbeat_at),
                              "; the next was due ", FormatDurationShort(v->overdue_seconds), " ago")});
  } else if (const auto unacked = UnacknowledgedMissed(m); !unacked.empty()) {
    v->needs_human.push_back(
        {"loop", absl::StrCat("heartbeat expected at ", FormatRfc3339(unacked.back().expected_at),
                              " was missed and none came since")});
  }
  if (m.integration_dirty) {
    v->needs_human.push_back({"integration checkout", absl::StrCat("dirty: ", m.integration_dirt)});
  }
}

// One task: its slot, the queue it waits in, what needs a human, what
// happened to it since `since`, and its row in the table.
void AddTask(const TaskModel& t, int64_t now, int64_t since, StatusView* v) {
  const S s = t.facts.state;
  if (IsInFlight(s)) ++v->slots_used;
  // Rows are built only for tasks some list shows: with thousands of
  // finished tasks, most are only counted.
  if (s == S::kActive || s == S::kStaleNeedsInspection) v->active.push_back(MakeTaskRow(t, now));
  if (s == S::kPendingSetup) v->pending_setup.push_back(MakeTaskRow(t, now));
  if (s == S::kCompletedUnreviewed) v->ready_for_review.push_back(MakeTaskRow(t, now));
  if (s == S::kReviewing) v->in_review.push_back(MakeTaskRow(t, now));
  for (std::string& why : NeedsHumanReasons(t)) v->needs_human.push_back({t.id, std::move(why)});
  if (t.merged_at >= since && t.merged_at != 0) {
    AddHappened(&v->merged, &v->merged_count, {t.id, t.merged_at, t.facts.merge_commit});
  }
  if (t.pushed_at >= since && t.pushed_at != 0) {
    AddHappened(&v->pushed, &v->pushed_count, {t.id, t.pushed_at, t.facts.pushed_commit});
  }
  if (t.cleaned_at >= since && t.cleaned_at != 0) {
    AddHappened(&v->cleaned, &v->cleaned_count,
                {t.id, t.cleaned_at,
                 t.worktree_removed && t.branch_deleted ? "worktree and branch removed" : "partly cleaned"});
  }
  AddLeftBehind(t, v);
  const bool show = !IsTerminal(s) || t.facts.last_at >= since;
  if (!show) return;
  if (v->tasks.size() >= kTableLimit) {
    ++v->tasks_hidden;
    return;
  }
  v->tasks.push_back(MakeTaskRow(t, now));
  if (t.facts.has_inspection) v->inspections.emplace_back(t.id, t.facts.inspection);
}

// Anomalies, drift and the timeline.
void AddFindings(const ProjectModel& m, int64_t now, int64_t since, StatusView* v) {
  v->anomalies_total = m.anomalies_total;
  // Every anomaly the model keeps is shown, whatever its time: an
  // impossible step back-dated (or dated before the window) still needs a
  // human.
  for (const Finding& f : m.anomalies) {
    v->anomalies.push_back(f);
    v->needs_human.push_back(
        {f.task.empty() ? "log" : f.task, absl::StrCat("anomaly at #", f.seq, ": ", f.detail)});
  }
  v->drift.assign(m.drift.begin(), m.drift.end());
  for (const RecentEvent& r : m.recent) {
    if (r.at >= since && r.at <= now) v->timeline.push_back(r);
  }
}

}  // namespace

StatusView BuildStatusView(const ProjectModel& m, int64_t now, int64_t since) {
  StatusView v;
  v.now = now;
  v.since = since;
  v.head_seq = m.head_seq;
  v.lane = m.current_lane;
  AddLane(m, now, &v);
  v.external_reviews = m.external_reviews;
  AddLoop(m, now, since, &v);
  AddProjectAttention(m, &v);
  for (const TaskModel& t : m.tasks) AddTask(t, now, since, &v);
  TrimHappened(&v.merged);
  TrimHappened(&v.pushed);
  TrimHappened(&v.cleaned);
  AddFindings(m, now, since, &v);
  v.next = DecideNextAction(m, now);
  return v;
}

}  // namespace orch

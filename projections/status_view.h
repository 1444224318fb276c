// StatusView: the answers the status pages give, derived from a folded
// model, the moment "now" and the start of the window ("since").
//
// Pure and deterministic: the same (model, now, since) gives the same view,
// which every renderer (text, Markdown, JSON, HTML) prints in its own way.
// The rules behind the next action are documented in docs/status.md.
#ifndef ORCH_PROJECTIONS_STATUS_VIEW_H_
#define ORCH_PROJECTIONS_STATUS_VIEW_H_

#include <cstdint>
#include <string>
#include <vector>

#include "projections/next_action.h"
#include "projections/project_model.h"

namespace orch {

// Most task rows a page lists; the rest are counted.
inline constexpr size_t kTableLimit = 200;
// Most entries of each "since" list (merged, pushed, cleaned) and of "left
// behind"; the newest are kept and the total is counted.
inline constexpr size_t kSinceLimit = 50;

struct TaskRow {
  std::string id, title, state, package, branch, worker, evidence;
  int64_t in_state_seconds = 0;  // time in the current state
  int64_t age_seconds = 0;       // time since dispatch
  std::string why;               // blocked reason, stale action, ...
  uint64_t anomalies = 0;
  std::string override_reason;  // the latest review accepted over its refusals
};

// One line of "needs a human" or "left behind".
struct Attention {
  std::string subject;  // task id, lane or "loop"
  std::string why;
};

struct Happened {
  std::string task;
  int64_t at = 0;
  std::string detail;
};

struct StatusView {
  int64_t now = 0, since = 0;
  uint64_t head_seq = 0;
  // The lane.
  std::string lane, lane_title, lane_status, lane_reason;
  // Its tasks (first kTableLimit), how far it is, and why it cannot close
  // yet (lane_rules.h: what `orch lane close` would refuse on).
  std::vector<TaskRow> lane_tasks;
  size_t lane_tasks_total = 0, lane_tasks_done = 0, lane_tasks_accepted = 0;
  std::vector<std::string> lane_close_blockers;
  // External reviews (review-imported), latest per reviewer and target.
  std::vector<ExternalReview> external_reviews;
  // The loop.
  std::string run_mode, run_mode_reason;
  int64_t run_mode_since = 0;
  int64_t slots_used = 0, max_concurrency = 0;
  // Heartbeats.
  int64_t last_heartbeat_at = 0, next_heartbeat_at = 0;
  std::string last_heartbeat_source;
  bool heartbeat_overdue = false;
  int64_t overdue_seconds = 0;
  std::vector<MissedHeartbeat> missed_since;
  uint64_t missed_total = 0;
  // Who is doing what.
  std::vector<TaskRow> active, pending_setup, ready_for_review, in_review;
  std::vector<Attention> needs_human;
  std::vector<Happened> merged, pushed, cleaned;  // since `since`, newest kSinceLimit
  size_t merged_count = 0, pushed_count = 0, cleaned_count = 0;
  std::vector<Attention> left_behind;  // first kSinceLimit
  size_t left_behind_count = 0;
  NextAction next;  // DecideNextAction (next_action.h): the one verdict
  // The task table and what did not fit in it.
  std::vector<TaskRow> tasks;
  size_t tasks_hidden = 0;
  // Findings.
  std::vector<Finding> anomalies;  // all the model keeps, whatever their time
  uint64_t anomalies_total = 0;
  std::vector<Finding> drift;
  // Latest inspection of the tasks in the table that have one.
  std::vector<std::pair<std::string, Inspection>> inspections;
  // The night's timeline: events from `since` to `now`, oldest first.
  std::vector<RecentEvent> timeline;
};

StatusView BuildStatusView(const ProjectModel& model, int64_t now, int64_t since);

// The label a task's evidence has reached: the accepted review's label when
// backed, else the strongest backed label (TaskFacts::evidence_labels), else
// the worker's claim marked "(claimed)".
std::string EvidenceSummary(const TaskModel& t);

TaskRow MakeTaskRow(const TaskModel& t, int64_t now);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_STATUS_VIEW_H_

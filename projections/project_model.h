// ProjectModel: everything the status pages and the ledger need, folded
// from the log by ProjectFold (project_fold.h) and nothing else.
//
// The model is plain data so it can be checkpointed (model_codec.h) and
// compared. Lists that would grow with the length of the log are bounded
// (the k*Limit constants below) and keep a count of what they dropped, so a
// checkpoint stays proportional to the number of tasks, not of events.
//
// Times are Unix nanoseconds (UTC); 0 means "never / unknown".
#ifndef ORCH_PROJECTIONS_PROJECT_MODEL_H_
#define ORCH_PROJECTIONS_PROJECT_MODEL_H_

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "eventstore/logged_event.h"
#include "projections/field_diff.h"
#include "projections/project_settings.h"
#include "projections/task_facts.h"

namespace orch {

// Per-task history entries kept (the first one, dispatched, is always kept;
// older ones beyond the limit are dropped and counted).
inline constexpr size_t kHistoryLimit = 32;
// State changes kept per task (for the timeline picture).
inline constexpr size_t kTransitionLimit = 32;
// Latest events of the whole log kept for "the night's timeline".
inline constexpr size_t kRecentLimit = 200;
// Heartbeat ticks, missed heartbeats, anomalies, drift reports, lane changes.
inline constexpr size_t kListLimit = 100;
// Gate runs, evidence labels and notes per task.
inline constexpr size_t kTaskListLimit = 16;
// The watchdog's thresholds until a settings event says otherwise.
inline constexpr int64_t kDefaultMissedAfterSeconds = 15 * 60;
inline constexpr int64_t kDefaultStaleAfterSeconds = 30 * 60;
inline constexpr int64_t kDefaultWatchEverySeconds = 5 * 60;
inline constexpr int64_t kDefaultSetupAllowanceSeconds = 10 * 60;
// The smallest grace before a wake-up counts as missed: a heartbeat this
// late (or a whole cadence late, when shorter) opens a hole.
inline constexpr int64_t kMinGraceSeconds = 60;

// One entry of a task's history (the ledger's history[]).
struct HistoryEntry {
  uint64_t seq = 0;
  int64_t at = 0;
  EventType type = EventType::NONE;
  TaskState status = TaskState::kUnknown;  // the task's state after the event
  std::string note;                        // the event's free note
  std::string summary;                     // key payload fields, one line
  std::string anomaly;                     // why the step was impossible, if it was
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("seq", &HistoryEntry::seq);
    f("at", &HistoryEntry::at);
    f("type", &HistoryEntry::type);
    f("status", &HistoryEntry::status);
    f("note", &HistoryEntry::note);
    f("summary", &HistoryEntry::summary);
    f("anomaly", &HistoryEntry::anomaly);
  }
};

struct Transition {
  int64_t at = 0;
  TaskState state = TaskState::kUnknown;
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("at", &Transition::at);
    f("state", &Transition::state);
  }
};

struct GateRun {
  int64_t at = 0;
  std::string command;
  std::string result;  // pass, fail, skipped
  std::string label;
  std::string log_path;
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("at", &GateRun::at);
    f("command", &GateRun::command);
    f("result", &GateRun::result);
    f("label", &GateRun::label);
    f("log_path", &GateRun::log_path);
  }
};

// The ledger's lastObservation: the newest fact about the task that orch
// (or the watchdog) saw rather than was told.
struct Observation {
  int64_t at = 0;
  std::string result;
  std::string note;
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("at", &Observation::at);
    f("result", &Observation::result);
    f("note", &Observation::note);
  }
};

// The task's budgets, from dispatched (the ledger's budget).
struct Budget {
  int64_t runtime_minutes = 0;
  int64_t review_minutes = 0;
  std::string note;
  bool empty() const { return runtime_minutes == 0 && review_minutes == 0 && note.empty(); }
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("runtime_minutes", &Budget::runtime_minutes);
    f("review_minutes", &Budget::review_minutes);
    f("note", &Budget::note);
  }
};

// The instruction the task serves and the limits it sets, from dispatched
// (the ledger's constraintStack).
struct ConstraintStack {
  std::string user_instruction;
  std::vector<std::string> constraints, allowed_paths, forbidden_paths, required_gates;
  std::string evidence_boundary;
  std::vector<std::string> authority;
  std::string package_id, package_switch_reason;
  bool empty() const;
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("user_instruction", &ConstraintStack::user_instruction);
    f("constraints", &ConstraintStack::constraints);
    f("allowed_paths", &ConstraintStack::allowed_paths);
    f("forbidden_paths", &ConstraintStack::forbidden_paths);
    f("required_gates", &ConstraintStack::required_gates);
    f("evidence_boundary", &ConstraintStack::evidence_boundary);
    f("authority", &ConstraintStack::authority);
    f("package_id", &ConstraintStack::package_id);
    f("package_switch_reason", &ConstraintStack::package_switch_reason);
  }
};

struct TaskModel {
  std::string id;
  uint64_t first_seq = 0;
  // The lifecycle, the delivery unit (branch, base, worktree, write set),
  // backed evidence, integration commits and the latest inspection that
  // counts: decided by the one task fold (task_fold.h), nowhere else.
  TaskFacts facts;
  // From dispatched / worktree-ready.
  std::string title, package_id, worker, thread_id;
  std::vector<std::string> gates;
  std::string expected_evidence;
  int64_t dispatched_at = 0, state_since = 0;
  Budget budget;
  ConstraintStack constraint_stack;
  // Work and review.
  std::string last_commit, claimed_evidence, verdict, reviewer, review_evidence;
  int64_t commits = 0;
  std::vector<std::string> residual_risks;
  // An accepted review that overrode the acceptance report's refusals
  // (orch review --override): the reason and what it overrode.
  std::string review_override;
  std::vector<std::string> review_overridden;
  std::vector<GateRun> gate_runs;  // newest per command
  // Gate and review notes, and evidence claimed but not backed.
  std::vector<std::string> evidence_notes;
  // Integration and clean-up.
  int64_t merged_at = 0, pushed_at = 0, cleaned_at = 0;
  bool worktree_removed = false, branch_deleted = false;
  // Why it is stuck.
  std::string blocked_reason;
  bool needs_human = false;
  std::string stale_action;
  int64_t idle_seconds = 0;
  // The latest stale-detected's reason (idle, runtime-budget,
  // review-budget) and the last progress it measured from (its stall).
  std::string stale_reason;
  int64_t stale_since = 0;
  // The latest event that is work on the task (anything but the
  // observations stale-detected, drift-detected and inspected): what the
  // watchdog measures idleness from, besides git.
  int64_t progress_at = 0;
  // When the task last became completed-unreviewed (its review budget runs
  // from there, through reviewing).
  int64_t ready_at = 0;
  // The stalls the watchdog recorded (each stale-detected's idempotency
  // key, watchdog.h StallKey), newest kTaskListLimit: one stall is
  // recorded once.
  std::vector<std::string> stalls;
  // Uncommitted changes in the task's worktree as last observed (a counting
  // inspection or a worktree-dirty drift report); empty once an inspection
  // saw it clean), e.g. "unstaged a.txt; untracked b.txt". `dirty_at`: when.
  std::string dirt;
  int64_t dirty_at = 0;
  Observation last_observation;
  uint64_t events = 0, anomalies = 0, history_dropped = 0;
  std::vector<HistoryEntry> history;
  std::vector<Transition> transitions;
  // In checkpoint order. The core is what the status pages read (the budgets
  // too: they decide the next action); the Detail{} lists only the ledger
  // and the HTML picture show, so a status call can skip them.
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("id", &TaskModel::id);
    f("first_seq", &TaskModel::first_seq);
    f("facts", &TaskModel::facts);
    f("title", &TaskModel::title);
    f("package_id", &TaskModel::package_id);
    f("worker", &TaskModel::worker);
    f("thread_id", &TaskModel::thread_id);
    f("gates", &TaskModel::gates);
    f("expected_evidence", &TaskModel::expected_evidence);
    f("dispatched_at", &TaskModel::dispatched_at);
    f("state_since", &TaskModel::state_since);
    f("last_commit", &TaskModel::last_commit);
    f("claimed_evidence", &TaskModel::claimed_evidence);
    f("verdict", &TaskModel::verdict);
    f("reviewer", &TaskModel::reviewer);
    f("review_evidence", &TaskModel::review_evidence);
    f("review_override", &TaskModel::review_override);
    f("review_overridden", &TaskModel::review_overridden);
    f("commits", &TaskModel::commits);
    f("merged_at", &TaskModel::merged_at);
    f("pushed_at", &TaskModel::pushed_at);
    f("cleaned_at", &TaskModel::cleaned_at);
    f("worktree_removed", &TaskModel::worktree_removed);
    f("branch_deleted", &TaskModel::branch_deleted);
    f("blocked_reason", &TaskModel::blocked_reason);
    f("needs_human", &TaskModel::needs_human);
    f("stale_action", &TaskModel::stale_action);
    f("idle_seconds", &TaskModel::idle_seconds);
    f("stale_reason", &TaskModel::stale_reason);
    f("stale_since", &TaskModel::stale_since);
    f("progress_at", &TaskModel::progress_at);
    f("ready_at", &TaskModel::ready_at);
    f("stalls", &TaskModel::stalls);
    f("dirt", &TaskModel::dirt);
    f("dirty_at", &TaskModel::dirty_at);
    f("budget", &TaskModel::budget);
    f("last_observation", &TaskModel::last_observation);
    f("events", &TaskModel::events);
    f("anomalies", &TaskModel::anomalies);
    f("history_dropped", &TaskModel::history_dropped);
    f("constraint_stack", &TaskModel::constraint_stack, Detail{});
    f("residual_risks", &TaskModel::residual_risks, Detail{});
    f("gate_runs", &TaskModel::gate_runs, Detail{});
    f("evidence_notes", &TaskModel::evidence_notes, Detail{});
    f("history", &TaskModel::history, Detail{});
    f("transitions", &TaskModel::transitions, Detail{});
  }
};

// Where a feature package (lane) stands; lane_rules.h decides what may
// happen to it next.
enum class LaneStatus { kOpen, kBlocked, kClosed };
// "open", "blocked", "closed": the word every page and the ledger show.
absl::string_view LaneStatusName(LaneStatus s);
// The inverse of LaneStatusName; false for any other word.
bool ParseLaneStatus(absl::string_view name, LaneStatus* out);

struct PackageModel {
  std::string id, title, reason;
  LaneStatus status = LaneStatus::kOpen;
  bool needs_human = false;
  int64_t opened_at = 0, changed_at = 0;
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("id", &PackageModel::id);
    f("title", &PackageModel::title);
    f("reason", &PackageModel::reason);
    f("status", &PackageModel::status);
    f("needs_human", &PackageModel::needs_human);
    f("opened_at", &PackageModel::opened_at);
    f("changed_at", &PackageModel::changed_at);
  }
};

struct LaneChange {
  int64_t at = 0;
  std::string package_id;
  std::string what;  // opened, closed, blocked, switched (a dispatch with a switch reason)
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("at", &LaneChange::at);
    f("package_id", &LaneChange::package_id);
    f("what", &LaneChange::what);
  }
};

struct MissedHeartbeat {
  uint64_t seq = 0;
  int64_t at = 0;           // when it was recorded
  int64_t expected_at = 0;  // when the wake-up was due
  int64_t gap_seconds = 0;
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("seq", &MissedHeartbeat::seq);
    f("at", &MissedHeartbeat::at);
    f("expected_at", &MissedHeartbeat::expected_at);
    f("gap_seconds", &MissedHeartbeat::gap_seconds);
  }
};

// Wake-ups the loop slept through: a heartbeat that came at least a
// minute (or one cadence) after the wake-up its predecessor announced.
// The watchdog (watchdog.h) counts the missed wake-ups of each hole.
struct HeartbeatHole {
  int64_t beat_at = 0;            // the heartbeat before the hole
  int64_t first_expected_at = 0;  // the wake-up it announced
  int64_t cadence_seconds = 0;    // first_expected_at - beat_at
  int64_t closed_at = 0;          // the heartbeat that ended the hole
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("beat_at", &HeartbeatHole::beat_at);
    f("first_expected_at", &HeartbeatHole::first_expected_at);
    f("cadence_seconds", &HeartbeatHole::cadence_seconds);
    f("closed_at", &HeartbeatHole::closed_at);
  }
};

// An external reviewer's findings (review-imported): the latest import
// per reviewer and target (task, or lane without a task) replaces the one
// before, so a later clean import resolves a P1.
struct ExternalReview {
  uint64_t seq = 0;
  int64_t at = 0;
  std::string reviewer, file, task;
  std::string package_id;  // the lane: given, or the task's own
  std::string status;      // passed, failed, blocked
  int64_t p1 = 0, p2 = 0;
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("seq", &ExternalReview::seq);
    f("at", &ExternalReview::at);
    f("reviewer", &ExternalReview::reviewer);
    f("file", &ExternalReview::file);
    f("task", &ExternalReview::task);
    f("package_id", &ExternalReview::package_id);
    f("status", &ExternalReview::status);
    f("p1", &ExternalReview::p1);
    f("p2", &ExternalReview::p2);
  }
};

// An anomaly (impossible step recorded as observed) or a drift report.
struct Finding {
  uint64_t seq = 0;
  int64_t at = 0;
  std::string task;
  EventType type = EventType::NONE;
  std::string kind;    // drift kind; empty for anomalies
  std::string detail;  // the anomaly text, or "log says X; git shows Y"
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("seq", &Finding::seq);
    f("at", &Finding::at);
    f("task", &Finding::task);
    f("type", &Finding::type);
    f("kind", &Finding::kind);
    f("detail", &Finding::detail);
  }
};

// One line of the night's timeline.
struct RecentEvent {
  uint64_t seq = 0;
  int64_t at = 0;
  std::string task;
  EventType type = EventType::NONE;
  schema::Claim claim = schema::Claim::reported;
  std::string summary, note, anomaly;
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("seq", &RecentEvent::seq);
    f("at", &RecentEvent::at);
    f("task", &RecentEvent::task);
    f("type", &RecentEvent::type);
    f("claim", &RecentEvent::claim);
    f("summary", &RecentEvent::summary);
    f("note", &RecentEvent::note);
    f("anomaly", &RecentEvent::anomaly);
  }
};

struct ProjectModel {
  // Position in the log.
  uint64_t head_seq = 0;
  uint64_t events = 0;
  int64_t first_at = 0, last_at = 0, max_at = 0;
  // project-initialized.
  bool initialized = false;
  int64_t created_at = 0;
  ProjectSettings settings;  // folded by ApplyProjectInitialized (project_settings.h)
  // The watchdog's thresholds (settings events; defaults until one is
  // recorded).
  int64_t missed_after_seconds = kDefaultMissedAfterSeconds;
  int64_t stale_after_seconds = kDefaultStaleAfterSeconds;
  int64_t watch_every_seconds = kDefaultWatchEverySeconds;
  int64_t setup_allowance_seconds = kDefaultSetupAllowanceSeconds;
  // Globs only one in-flight task may touch at a time (settings).
  std::vector<std::string> serial_paths;
  // The integration checkout as `orch observe` last recorded it: dirty
  // from an integration-dirty drift until an integration-clean one.
  bool integration_dirty = false;
  int64_t integration_dirty_since = 0;
  std::string integration_dirt;  // what git showed
  uint64_t integration_seq = 0;  // the latest integration-dirty/-clean report
  // Run mode.
  std::string run_mode = "active";
  std::string run_mode_reason;
  int64_t run_mode_since = 0;
  // Heartbeats. The last is the latest in time (a tie: the later in the
  // log), not the last recorded: one recorded late with an earlier --at
  // is counted and ticked, nothing more.
  int64_t last_heartbeat_at = 0, next_heartbeat_at = 0;
  std::string last_heartbeat_source;
  uint64_t heartbeats = 0, missed_total = 0;
  std::deque<int64_t> heartbeat_ticks;
  std::deque<MissedHeartbeat> missed;
  // The latest wake-up any heartbeat-missed recorded: the watchdog takes
  // every wake-up at or before it as handled.
  int64_t missed_through = 0;
  std::deque<HeartbeatHole> holes;  // newest kListLimit
  // Lanes, in the order they were opened.
  std::vector<PackageModel> packages;
  std::string current_lane;
  std::deque<LaneChange> lane_changes;
  // Tasks in the order they first appeared.
  std::vector<TaskModel> tasks;
  uint64_t anomalies_total = 0, drift_total = 0;
  std::deque<Finding> anomalies;
  std::deque<Finding> drift;
  std::deque<RecentEvent> recent;
  // External reviews, latest per reviewer and target, oldest first.
  uint64_t external_reviews_total = 0;
  std::vector<ExternalReview> external_reviews;

  // Lookup index over `tasks`; derived, rebuilt by RebuildIndex().
  absl::flat_hash_map<std::string, size_t> task_index;
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("head_seq", &ProjectModel::head_seq);
    f("events", &ProjectModel::events);
    f("first_at", &ProjectModel::first_at);
    f("last_at", &ProjectModel::last_at);
    f("max_at", &ProjectModel::max_at);
    f("initialized", &ProjectModel::initialized);
    f("created_at", &ProjectModel::created_at);
    f("settings", &ProjectModel::settings);
    f("missed_after_seconds", &ProjectModel::missed_after_seconds);
    f("stale_after_seconds", &ProjectModel::stale_after_seconds);
    f("watch_every_seconds", &ProjectModel::watch_every_seconds);
    f("setup_allowance_seconds", &ProjectModel::setup_allowance_seconds);
    f("serial_paths", &ProjectModel::serial_paths);
    f("integration_dirty", &ProjectModel::integration_dirty);
    f("integration_dirty_since", &ProjectModel::integration_dirty_since);
    f("integration_dirt", &ProjectModel::integration_dirt);
    f("integration_seq", &ProjectModel::integration_seq);
    f("run_mode", &ProjectModel::run_mode);
    f("run_mode_reason", &ProjectModel::run_mode_reason);
    f("run_mode_since", &ProjectModel::run_mode_since);
    f("last_heartbeat_at", &ProjectModel::last_heartbeat_at);
    f("next_heartbeat_at", &ProjectModel::next_heartbeat_at);
    f("last_heartbeat_source", &ProjectModel::last_heartbeat_source);
    f("heartbeats", &ProjectModel::heartbeats);
    f("missed_total", &ProjectModel::missed_total);
    f("heartbeat_ticks", &ProjectModel::heartbeat_ticks);
    f("missed", &ProjectModel::missed);
    f("missed_through", &ProjectModel::missed_through);
    f("holes", &ProjectModel::holes);
    f("packages", &ProjectModel::packages);
    f("current_lane", &ProjectModel::current_lane);
    f("lane_changes", &ProjectModel::lane_changes);
    f("tasks", &ProjectModel::tasks);
    f("anomalies_total", &ProjectModel::anomalies_total);
    f("drift_total", &ProjectModel::drift_total);
    f("anomalies", &ProjectModel::anomalies);
    f("drift", &ProjectModel::drift);
    f("recent", &ProjectModel::recent);
    f("external_reviews_total", &ProjectModel::external_reviews_total);
    f("external_reviews", &ProjectModel::external_reviews);
    f("task_index", &ProjectModel::task_index, Derived{});
  }

  const TaskModel* FindTask(const std::string& id) const;
  const PackageModel* FindPackage(const std::string& id) const;
  void RebuildIndex();
};

// Field by field through the lists above (field_diff.h); a lane's status
// by its word, and tasks by their id ("tasks[T1].title").
void Compare(const std::string& path, LaneStatus a, LaneStatus b, Differences* out);
void Compare(const std::string& path, const std::vector<TaskModel>& a, const std::vector<TaskModel>& b,
             Differences* out);

// Every difference between two models ("tasks[T1].title: 'a' vs 'b'").
Differences ModelDifferences(const ProjectModel& a, const ProjectModel& b);
bool operator==(const ProjectModel& a, const ProjectModel& b);
inline bool operator!=(const ProjectModel& a, const ProjectModel& b) { return !(a == b); }

}  // namespace orch

#endif  // ORCH_PROJECTIONS_PROJECT_MODEL_H_

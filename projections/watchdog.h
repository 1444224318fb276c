// The watchdog's judgement (`orch watch`): which wake-ups the loop missed
// and which workers or reviews are stuck, decided from the folded model,
// the moment "now" and, for workers, what git shows of their worktrees
// (WorktreeProgress, filled by git/worktree_progress.h). Pure: no clock, no
// I/O; the same inputs give the same findings. docs/operations.md explains
// the rules.
//
// Missed wake-ups. Each heartbeat announces the next (next_expected_at);
// its cadence is the gap between the two. After a heartbeat at B announcing
// N, the loop is expected at N, N+c, N+2c, ... until the next heartbeat.
// A wake-up expected at E is missed when no heartbeat came within
// g = min(c, missed_after) after it (missed_after is never below
// kMinGraceSeconds): a heartbeat answers at most the one wake-up just
// before it. Once watch has seen E + g pass, the answer for E never
// changes, so every missed wake-up is found exactly once, whenever and
// however often watch runs.
//
// Stalls. A task in flight (pending-setup, active, stale) is stale when
// nothing moved for longer than stale_after (its last event that is work,
// its branch's newest commit, the newest change in its worktree), or when
// it has run past its runtime budget; a task waiting for review
// (completed-unreviewed, reviewing) when its review budget is over. Each
// stall has a key (StallKey) so it is recorded once.
#ifndef ORCH_PROJECTIONS_WATCHDOG_H_
#define ORCH_PROJECTIONS_WATCHDOG_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "projections/project_model.h"

namespace orch {

// The actor of every event `orch watch` records.
inline constexpr char kWatchdogActor[] = "orch watch";

// The thresholds one run uses: the project's settings (settings events,
// else the defaults), each overridable by a flag.
struct WatchSettings {
  int64_t missed_after_seconds = kDefaultMissedAfterSeconds;
  int64_t stale_after_seconds = kDefaultStaleAfterSeconds;
  int64_t every_seconds = kDefaultWatchEverySeconds;
};
WatchSettings SettingsOf(const ProjectModel& model);

// One wake-up the loop slept through.
struct MissedWakeUp {
  int64_t expected_at = 0;  // ns
  // How long the loop had been silent when it was due: seconds from the
  // heartbeat before it to expected_at (deterministic, so a second run
  // records the very same event).
  int64_t gap_seconds = 0;
  std::string key;  // MissedKey(expected_at): the idempotency key
};

// Every missed wake-up after model.missed_through (the latest recorded),
// oldest first, at most `limit` (the rest are found by the next run).
std::vector<MissedWakeUp> FindMissedWakeUps(const ProjectModel& model, int64_t now,
                                            int64_t missed_after_seconds, size_t limit = 1000);

// What git shows of a task's worktree (git/worktree_progress.h fills it).
struct WorktreeProgress {
  bool known = false;  // false: no repository, no worktree recorded, or unreadable
  bool worktree_exists = false;
  int64_t commits_beyond_base = 0;
  bool dirty = false;
  std::string dirt;            // "unstaged a.txt; untracked b.txt"
  int64_t last_commit_at = 0;  // the branch head's commit time, when beyond the base (ns)
  int64_t last_change_at = 0;  // the newest modification time of an uncommitted file (ns)
};

// Suggested actions, by what the worktree shows.
inline constexpr char kSuggestReview[] =
    "review it: a clean commit beyond the base (orch inspect, then review)";
inline constexpr char kSuggestNudge[] = "nudge the worker or inspect: uncommitted changes in the worktree";
inline constexpr char kSuggestAbandon[] = "abandon or re-dispatch: no commit and no change in the worktree";
inline constexpr char kSuggestReviewNow[] = "review it now: the review is past its budget";

struct StallFinding {
  std::string task;
  std::string reason;            // idle, runtime-budget, review-budget
  int64_t last_progress_at = 0;  // ns
  int64_t idle_seconds = 0;      // now - last_progress_at
  std::string suggested_action;
  std::string detail;     // one line: what was measured
  std::string key;        // StallKey: the idempotency key
  bool recorded = false;  // the task's stalls already hold the key
};

// `progress` by task id (a task missing from it counts as unknown).
// Returns one finding per stuck task (runtime-budget before idle), in task
// order, including those already recorded (flagged).
std::vector<StallFinding> FindStalls(const ProjectModel& model,
                                     const std::map<std::string, WorktreeProgress>& progress, int64_t now,
                                     int64_t stale_after_seconds);

// The identities the store's idempotency index keeps.
std::string MissedKey(int64_t expected_at);
std::string StallKey(const std::string& task, const std::string& reason, int64_t anchor_ns);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_WATCHDOG_H_

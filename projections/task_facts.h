// TaskFacts: every per-task fact that the lifecycle rules, the append guard,
// the projections and the git readers use, as one plain value. One fold
// decides them (task_fold.h); everything else reads them from there.
//
//   pending-setup -> active -> completed-unreviewed -> reviewing -> accepted
//     -> merged -> pushed -> cleaned
//   side states: rejected, blocked, stale-needs-inspection, cleanup-needed,
//   abandoned.
//
// Times are Unix nanoseconds (UTC); 0 means "never / unknown".
#ifndef ORCH_PROJECTIONS_TASK_FACTS_H_
#define ORCH_PROJECTIONS_TASK_FACTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "projections/field_diff.h"

namespace orch {

enum class TaskState {
  kUnknown,  // no event yet
  kPendingSetup,
  kActive,
  kCompletedUnreviewed,
  kReviewing,
  kAccepted,
  kMerged,
  kPushed,
  kCleaned,
  kRejected,
  kBlocked,
  kStaleNeedsInspection,
  kCleanupNeeded,
  kAbandoned,
};
inline constexpr TaskState kLastTaskState = TaskState::kAbandoned;

// "completed-unreviewed"
absl::string_view TaskStateName(TaskState s);
// The predecessor's (codex-orchestrator's) word for a state, for the
// ledger's `status`: its readers know only pending-setup, active,
// completed-unreviewed, stale-needs-inspection, blocked, rejected, merged,
// cleanup-needed, cleaned and abandoned. reviewing and accepted are
// completed-unreviewed (not merged yet), pushed is merged; unknown (a log
// that never dispatched the task) is stale-needs-inspection (docs/ledger.md).
absl::string_view PredecessorStatus(TaskState s);
// Terminal: nothing more is expected of the task.
bool IsTerminal(TaskState s);

// The latest inspection that counts (one orch itself observed, see
// CountsAsInspection in task_fold.h): the delivery unit as git showed it.
struct Inspection {
  uint64_t seq = 0;
  int64_t at = 0;
  std::string head, branch;
  bool branch_matches = false;
  bool worktree_exists = false;
  bool base_is_ancestor = false;
  bool self_review_present = false;
  bool reviewable = false;
  int64_t ahead_of_base = 0;
  int64_t behind_integration = 0;
  int64_t ahead_of_integration = 0;  // commits on the branch the integration branch lacks
  std::vector<std::string> forbidden_touched, outside_allowed;
  std::vector<std::string> dirty;  // staged, unstaged and untracked paths
  std::vector<std::string> problems;
};

struct TaskFacts {
  // The lifecycle.
  TaskState state = TaskState::kUnknown;
  TaskState before_block = TaskState::kUnknown;  // where unblocked returns to
  bool abandoned = false;                        // an abandoned event was recorded
  // The delivery unit: dispatched, refined by worktree-ready and completed
  // (a later event's empty field keeps what was known).
  std::string branch, base_commit, worktree, pending_worktree_id, self_review_path;
  std::vector<std::string> allowed, forbidden;  // the write set (globs)
  // Evidence: EvidenceRank of the best passing gate, and the labels backed
  // by a passing gate or an accepted review within it (distinct, in the
  // order first backed). A label merely claimed is never here.
  int64_t strongest_passing_gate = 0;
  std::vector<std::string> evidence_labels;
  // Integration.
  std::string merge_commit, pushed_commit;
  uint64_t merged_seq = 0;  // seq of the last merged event
  // The latest inspection that counts.
  bool has_inspection = false;
  Inspection inspection;
  // The latest time of the task's events (the time rules compare with it).
  int64_t last_at = 0;
};

void Compare(const std::string& path, TaskState a, TaskState b, Differences* out);
void Compare(const std::string& path, const Inspection& a, const Inspection& b, Differences* out);
void Compare(const std::string& path, const TaskFacts& a, const TaskFacts& b, Differences* out);
bool operator==(const Inspection& a, const Inspection& b);
bool operator==(const TaskFacts& a, const TaskFacts& b);
inline bool operator!=(const TaskFacts& a, const TaskFacts& b) { return !(a == b); }

}  // namespace orch

#endif  // ORCH_PROJECTIONS_TASK_FACTS_H_

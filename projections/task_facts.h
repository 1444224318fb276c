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
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("seq", &Inspection::seq);
    f("at", &Inspection::at);
    f("head", &Inspection::head);
    f("branch", &Inspection::branch);
    f("branch_matches", &Inspection::branch_matches);
    f("worktree_exists", &Inspection::worktree_exists);
    f("base_is_ancestor", &Inspection::base_is_ancestor);
    f("self_review_present", &Inspection::self_review_present);
    f("reviewable", &Inspection::reviewable);
    f("ahead_of_base", &Inspection::ahead_of_base);
    f("behind_integration", &Inspection::behind_integration);
    f("ahead_of_integration", &Inspection::ahead_of_integration);
    f("forbidden_touched", &Inspection::forbidden_touched);
    f("outside_allowed", &Inspection::outside_allowed);
    f("dirty", &Inspection::dirty);
    f("problems", &Inspection::problems);
  }
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
  template <typename F>
  static constexpr void Fields(F&& f) {
    f("state", &TaskFacts::state);
    f("before_block", &TaskFacts::before_block);
    f("abandoned", &TaskFacts::abandoned);
    f("branch", &TaskFacts::branch);
    f("base_commit", &TaskFacts::base_commit);
    f("worktree", &TaskFacts::worktree);
    f("pending_worktree_id", &TaskFacts::pending_worktree_id);
    f("self_review_path", &TaskFacts::self_review_path);
    f("allowed", &TaskFacts::allowed);
    f("forbidden", &TaskFacts::forbidden);
    f("strongest_passing_gate", &TaskFacts::strongest_passing_gate);
    f("evidence_labels", &TaskFacts::evidence_labels);
    f("merge_commit", &TaskFacts::merge_commit);
    f("pushed_commit", &TaskFacts::pushed_commit);
    f("merged_seq", &TaskFacts::merged_seq);
    f("has_inspection", &TaskFacts::has_inspection);
    f("inspection", &TaskFacts::inspection, OnlyIf{&TaskFacts::has_inspection});
    f("last_at", &TaskFacts::last_at);
  }
};

void Compare(const std::string& path, TaskState a, TaskState b, Differences* out);
bool operator==(const Inspection& a, const Inspection& b);
bool operator==(const TaskFacts& a, const TaskFacts& b);
inline bool operator!=(const TaskFacts& a, const TaskFacts& b) { return !(a == b); }

}  // namespace orch

#endif  // ORCH_PROJECTIONS_TASK_FACTS_H_

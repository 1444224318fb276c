#include "projections/task_facts.h"

namespace orch {

using S = TaskState;

absl::string_view TaskStateName(TaskState s) {
  switch (s) {
    case S::kUnknown:
      return "unknown";
    case S::kPendingSetup:
      return "pending-setup";
    case S::kActive:
      return "active";
    case S::kCompletedUnreviewed:
      return "completed-unreviewed";
    case S::kReviewing:
      return "reviewing";
    case S::kAccepted:
      return "accepted";
    case S::kMerged:
      return "merged";
    case S::kPushed:
      return "pushed";
    case S::kCleaned:
      return "cleaned";
    case S::kRejected:
      return "rejected";
    case S::kBlocked:
      return "blocked";
    case S::kStaleNeedsInspection:
      return "stale-needs-inspection";
    case S::kCleanupNeeded:
      return "cleanup-needed";
    case S::kAbandoned:
      return "abandoned";
  }
  return "unknown";
}

absl::string_view PredecessorStatus(TaskState s) {
  switch (s) {
    case S::kReviewing:
    case S::kAccepted:
      return "completed-unreviewed";
    case S::kPushed:
      return "merged";
    case S::kUnknown:
      return "stale-needs-inspection";
    case S::kPendingSetup:
    case S::kActive:
    case S::kCompletedUnreviewed:
    case S::kMerged:
    case S::kCleaned:
    case S::kRejected:
    case S::kBlocked:
    case S::kStaleNeedsInspection:
    case S::kCleanupNeeded:
    case S::kAbandoned:
      return TaskStateName(s);
  }
  return "pending-setup";
}

bool IsTerminal(TaskState s) { return s == S::kCleaned || s == S::kAbandoned; }

void Compare(const std::string& path, TaskState a, TaskState b, Differences* out) {
  if (a != b) out->push_back(absl::StrCat(path, ": ", TaskStateName(a), " vs ", TaskStateName(b)));
}

// Every field, by hand (see field_diff.h); model_codec.cc checks the count.
void Compare(const std::string& p, const Inspection& a, const Inspection& b, Differences* out) {
  Compare(p + ".seq", a.seq, b.seq, out);
  Compare(p + ".at", a.at, b.at, out);
  Compare(p + ".head", a.head, b.head, out);
  Compare(p + ".branch", a.branch, b.branch, out);
  Compare(p + ".branch_matches", a.branch_matches, b.branch_matches, out);
  Compare(p + ".worktree_exists", a.worktree_exists, b.worktree_exists, out);
  Compare(p + ".base_is_ancestor", a.base_is_ancestor, b.base_is_ancestor, out);
  Compare(p + ".self_review_present", a.self_review_present, b.self_review_present, out);
  Compare(p + ".reviewable", a.reviewable, b.reviewable, out);
  Compare(p + ".ahead_of_base", a.ahead_of_base, b.ahead_of_base, out);
  Compare(p + ".behind_integration", a.behind_integration, b.behind_integration, out);
  Compare(p + ".ahead_of_integration", a.ahead_of_integration, b.ahead_of_integration, out);
  Compare(p + ".forbidden_touched", a.forbidden_touched, b.forbidden_touched, out);
  Compare(p + ".outside_allowed", a.outside_allowed, b.outside_allowed, out);
  Compare(p + ".dirty", a.dirty, b.dirty, out);
  Compare(p + ".problems", a.problems, b.problems, out);
}

void Compare(const std::string& p, const TaskFacts& a, const TaskFacts& b, Differences* out) {
  Compare(p + ".state", a.state, b.state, out);
  Compare(p + ".before_block", a.before_block, b.before_block, out);
  Compare(p + ".abandoned", a.abandoned, b.abandoned, out);
  Compare(p + ".branch", a.branch, b.branch, out);
  Compare(p + ".base_commit", a.base_commit, b.base_commit, out);
  Compare(p + ".worktree", a.worktree, b.worktree, out);
  Compare(p + ".pending_worktree_id", a.pending_worktree_id, b.pending_worktree_id, out);
  Compare(p + ".self_review_path", a.self_review_path, b.self_review_path, out);
  Compare(p + ".allowed", a.allowed, b.allowed, out);
  Compare(p + ".forbidden", a.forbidden, b.forbidden, out);
  Compare(p + ".strongest_passing_gate", a.strongest_passing_gate, b.strongest_passing_gate, out);
  Compare(p + ".evidence_labels", a.evidence_labels, b.evidence_labels, out);
  Compare(p + ".merge_commit", a.merge_commit, b.merge_commit, out);
  Compare(p + ".pushed_commit", a.pushed_commit, b.pushed_commit, out);
  Compare(p + ".merged_seq", a.merged_seq, b.merged_seq, out);
  Compare(p + ".has_inspection", a.has_inspection, b.has_inspection, out);
  Compare(p + ".inspection", a.inspection, b.inspection, out);
  Compare(p + ".last_at", a.last_at, b.last_at, out);
}

bool operator==(const Inspection& a, const Inspection& b) {
  Differences d;
  Compare("", a, b, &d);
  return d.empty();
}

bool operator==(const TaskFacts& a, const TaskFacts& b) {
  Differences d;
  Compare("", a, b, &d);
  return d.empty();
}

}  // namespace orch

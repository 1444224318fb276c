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

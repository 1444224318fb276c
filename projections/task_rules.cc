#include "projections/task_rules.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/time_text.h"
#include "schema/event_schema.h"

namespace orch {

using S = TaskState;

bool IsInFlight(TaskState s) {
  switch (s) {
    case S::kPendingSetup:
    case S::kActive:
    case S::kStaleNeedsInspection:
      return true;
    case S::kUnknown:
    case S::kCompletedUnreviewed:
    case S::kReviewing:
    case S::kAccepted:
    case S::kMerged:
    case S::kPushed:
    case S::kCleaned:
    case S::kRejected:
    case S::kBlocked:
    case S::kCleanupNeeded:
    case S::kAbandoned:
      return false;
  }
  return false;
}

bool IsInFlight(const TaskFacts& f) { return IsInFlight(f.state); }

bool Backs(const TaskFacts& f, absl::string_view label) {
  const int rank = EvidenceRank(label);
  return rank > 0 && rank <= f.strongest_passing_gate;
}

bool MovedByProjectPush(const TaskFacts& f) { return f.state == S::kMerged; }

bool DirtCounts(TaskState s) {
  switch (s) {
    case S::kActive:
    case S::kStaleNeedsInspection:
    case S::kCompletedUnreviewed:
    case S::kReviewing:
      return true;
    case S::kUnknown:
    case S::kPendingSetup:
    case S::kAccepted:
    case S::kMerged:
    case S::kPushed:
    case S::kCleaned:
    case S::kRejected:
    case S::kBlocked:
    case S::kCleanupNeeded:
    case S::kAbandoned:
      return false;
  }
  return false;
}

std::vector<std::string> NeedsHumanReasons(const TaskModel& t) {
  std::vector<std::string> out;
  const S s = t.facts.state;
  if (s == S::kBlocked && t.needs_human) out.push_back(t.blocked_reason);
  if (!t.dirt.empty() && DirtCounts(s)) {
    out.push_back(
        absl::StrCat("dirty worktree: uncommitted changes (seen ", FormatRfc3339(t.dirty_at), "): ", t.dirt));
  }
  if (t.facts.has_inspection && !t.facts.inspection.forbidden_touched.empty() && !IsTerminal(s)) {
    out.push_back(
        absl::StrCat("touched forbidden paths: ", absl::StrJoin(t.facts.inspection.forbidden_touched, ", ")));
  }
  return out;
}

bool NeedsHuman(const TaskModel& t) { return !NeedsHumanReasons(t).empty(); }

NextStep NextStepFor(const TaskModel& t, const ProjectModel& m) {
  const bool never_push = m.settings.push_policy == "never";
  switch (t.facts.state) {
    case S::kPendingSetup:
      return {"setup (worktree-ready)", "", ""};
    case S::kActive:
      return {"the worker (a commit, then completed)", "", ""};
    case S::kStaleNeedsInspection:
      return {absl::StrCat("inspection", t.stale_action.empty() ? "" : ": " + t.stale_action), "inspect",
              "stale"};
    case S::kCompletedUnreviewed:  // the review rule of the next action names it
      return {"review", "", ""};
    case S::kReviewing:
      return {"the review's verdict", "", ""};
    case S::kAccepted:
      return {"merge", "merge",
              m.integration_dirty ? "accepted; once the integration checkout is clean" : "accepted"};
    case S::kMerged:
      if (never_push) return {"clean-up", "clean up", "merged"};
      return {"push", "push", "merged, not pushed"};
    case S::kPushed:
      return {"clean-up", "clean up", "pushed"};
    case S::kCleanupNeeded:
      return {"clean-up", "clean up", "cleanup needed"};
    case S::kRejected:
      return {"redo or abandon", "redo or abandon", "rejected"};
    case S::kBlocked:
      return {absl::StrCat(NeedsHuman(t) ? "a human" : "unblock",
                           t.blocked_reason.empty() ? "" : ": " + t.blocked_reason),
              "", ""};
    case S::kCleaned:
    case S::kAbandoned:
    case S::kUnknown:
      return {"nothing", "", ""};
  }
  return {"nothing", "", ""};
}

}  // namespace orch

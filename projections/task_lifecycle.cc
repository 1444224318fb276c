#include "projections/task_lifecycle.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "schema/event_schema.h"

namespace orch {

namespace {

using T = schema::Payload;
using S = TaskState;

bool In(S s, std::initializer_list<S> set) {
  for (S x : set) {
    if (x == s) return true;
  }
  return false;
}

absl::string_view Str(const flatbuffers::String* s) {
  return s == nullptr ? absl::string_view() : absl::string_view(s->data(), s->size());
}

}  // namespace

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

bool IsTerminal(TaskState s) { return In(s, {S::kCleaned, S::kAbandoned}); }

bool RequiresTask(T type) {
  switch (type) {
    case T::Dispatched:
    case T::WorktreeReady:
    case T::SetupFailed:
    case T::Committed:
    case T::Completed:
    case T::Inspected:
    case T::Gate:
    case T::ReviewStarted:
    case T::Reviewed:
    case T::Merged:
    case T::Cleaned:
    case T::Blocked:
    case T::Unblocked:
    case T::Abandoned:
    case T::StaleDetected:
      return true;
    default:
      return false;
  }
}

bool ForbidsTask(T type) {
  switch (type) {
    case T::ProjectInitialized:
    case T::PackageOpened:
    case T::PackageClosed:
    case T::PackageBlocked:
    case T::Heartbeat:
    case T::HeartbeatMissed:
    case T::RunModeChanged:
      return true;
    default:
      return false;
  }
}

StepCheck CheckStep(const TaskLifecycle& t, const schema::Event& e) {
  const T type = e.payload_type();
  const S s = t.state;
  const std::string task(Str(e.task()));
  auto impossible = [&](absl::string_view why) {
    return StepCheck{Problem::kImpossible, absl::StrCat(ToKebab(schema::EnumNamePayload(type)), " for task '",
                                                        task, "' in state ", TaskStateName(s), ": ", why)};
  };
  if (task.empty()) return {};
  if (type == T::Dispatched) {
    if (s != S::kUnknown) return impossible("the task was already dispatched");
    return {};
  }
  if (s == S::kUnknown) {
    if (!RequiresTask(type) && type != T::Pushed) return {};  // a note or drift may name any id
    return {Problem::kUnknownTask, absl::StrCat("unknown task '", task, "': no dispatched event for it")};
  }
  switch (type) {
    case T::Inspected:
    case T::DriftDetected:
    case T::Note:
    case T::StaleDetected:
      return {};
    case T::WorktreeReady:
    case T::SetupFailed:
      if (s != S::kPendingSetup) return impossible("setup is only reported while pending-setup");
      return {};
    case T::Committed:
      if (!In(s, {S::kActive, S::kCompletedUnreviewed, S::kStaleNeedsInspection, S::kRejected})) {
        return impossible("workers commit only while the task is active");
      }
      return {};
    case T::Completed:
      if (!In(s, {S::kActive, S::kStaleNeedsInspection, S::kCompletedUnreviewed})) {
        return impossible("only an active task can complete");
      }
      return {};
    case T::Gate:
      if (IsTerminal(s)) return impossible("the task is finished");
      return {};
    case T::ReviewStarted:
      if (s != S::kCompletedUnreviewed) return impossible("review starts after completion");
      return {};
    case T::Reviewed: {
      if (!In(s, {S::kReviewing, S::kCompletedUnreviewed})) {
        return impossible("only a completed task can be reviewed");
      }
      const auto* r = e.payload_as_Reviewed();
      const int claimed = EvidenceRank(Str(e.evidence()));
      if (r != nullptr && r->verdict() == schema::Verdict::accepted && claimed > t.strongest_passing_gate) {
        const int best = t.strongest_passing_gate;
        return impossible(absl::StrCat("evidence '", Str(e.evidence()),
                                       "' overclaims: the strongest passing gate gives '",
                                       best == 0 ? "none" : EvidenceLabels()[best - 1], "'"));
      }
      return {};
    }
    case T::Merged:
      if (s != S::kAccepted) return impossible("only accepted work may be merged");
      return {};
    case T::Pushed:
      if (s != S::kMerged) return impossible("only merged work can be pushed");
      return {};
    case T::Cleaned:
      if (!In(s, {S::kMerged, S::kPushed, S::kAbandoned, S::kCleanupNeeded})) {
        return impossible("cleaning needs proof the work is safe (merged, pushed or abandoned)");
      }
      return {};
    case T::Blocked:
      if (IsTerminal(s) || s == S::kBlocked) return impossible("the task cannot be blocked now");
      return {};
    case T::Unblocked:
      if (s != S::kBlocked) return impossible("the task is not blocked");
      return {};
    case T::Abandoned:
      if (In(s, {S::kMerged, S::kPushed, S::kCleaned, S::kAbandoned})) {
        return impossible("merged or finished work cannot be abandoned");
      }
      return {};
    default:
      return {};
  }
}

void ApplyStep(TaskLifecycle* t, const schema::Event& e) {
  switch (e.payload_type()) {
    case T::Dispatched:
      t->state = S::kPendingSetup;
      break;
    case T::WorktreeReady:
      t->state = S::kActive;
      break;
    case T::SetupFailed:
      t->before_block = S::kPendingSetup;
      t->state = S::kBlocked;
      break;
    case T::Committed:
      if (t->state != S::kCompletedUnreviewed) t->state = S::kActive;
      break;
    case T::Completed:
      t->state = S::kCompletedUnreviewed;
      break;
    case T::Inspected: {
      // A clean commit beyond the base means completed-unreviewed even if
      // the worker never said so.
      const auto* i = e.payload_as_Inspected();
      const bool clean = i != nullptr && (i->staged() == nullptr || i->staged()->size() == 0) &&
                         (i->unstaged() == nullptr || i->unstaged()->size() == 0) &&
                         (i->untracked() == nullptr || i->untracked()->size() == 0);
      if (i != nullptr && i->worktree_exists() && clean && i->ahead_of_base() > 0 &&
          In(t->state, {S::kActive, S::kStaleNeedsInspection})) {
        t->state = S::kCompletedUnreviewed;
      }
      break;
    }
    case T::Gate: {
      const auto* g = e.payload_as_Gate();
      if (g != nullptr && g->result() == schema::GateResult::pass) {
        t->strongest_passing_gate = std::max(t->strongest_passing_gate, EvidenceRank(Str(g->label())));
      }
      break;
    }
    case T::ReviewStarted:
      t->state = S::kReviewing;
      break;
    case T::Reviewed: {
      const auto* r = e.payload_as_Reviewed();
      const auto v = r == nullptr ? schema::Verdict::accepted : r->verdict();
      t->state = v == schema::Verdict::accepted   ? S::kAccepted
                 : v == schema::Verdict::rejected ? S::kRejected
                                                  : S::kActive;
      break;
    }
    case T::Merged:
      t->state = S::kMerged;
      break;
    case T::Pushed:
      t->state = S::kPushed;
      break;
    case T::Cleaned:
      t->state = S::kCleaned;
      break;
    case T::Blocked:
      if (t->state != S::kBlocked) t->before_block = t->state;
      t->state = S::kBlocked;
      break;
    case T::Unblocked:
      t->state = t->before_block == S::kUnknown ? S::kActive : t->before_block;
      break;
    case T::Abandoned:
      t->state = S::kAbandoned;
      break;
    case T::StaleDetected:
      if (In(t->state, {S::kActive, S::kPendingSetup})) t->state = S::kStaleNeedsInspection;
      break;
    case T::DriftDetected:
      // Something of a finished task is still in the repository.
      if (In(t->state, {S::kCleaned})) t->state = S::kCleanupNeeded;
      break;
    default:
      break;
  }
}

}  // namespace orch

#include "projections/lane_rules.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace orch {

bool LaneTaskDone(TaskState s) {
  switch (s) {
    case TaskState::kMerged:
    case TaskState::kPushed:
    case TaskState::kCleaned:
    case TaskState::kCleanupNeeded:
    case TaskState::kAbandoned:
      return true;
    case TaskState::kUnknown:
    case TaskState::kPendingSetup:
    case TaskState::kActive:
    case TaskState::kCompletedUnreviewed:
    case TaskState::kReviewing:
    case TaskState::kAccepted:
    case TaskState::kRejected:
    case TaskState::kBlocked:
    case TaskState::kStaleNeedsInspection:
      return false;
  }
  return false;
}

std::vector<const TaskModel*> LaneTasks(const ProjectModel& m, const std::string& package_id) {
  std::vector<const TaskModel*> out;
  for (const TaskModel& t : m.tasks) {
    if (!package_id.empty() && t.package_id == package_id) out.push_back(&t);
  }
  return out;
}

LaneProgress ProgressOf(const ProjectModel& m, const std::string& package_id) {
  LaneProgress p;
  for (const TaskModel* t : LaneTasks(m, package_id)) {
    ++p.tasks;
    if (LaneTaskDone(t->facts.state)) ++p.done;
    if (t->verdict == "accepted") ++p.accepted;
  }
  return p;
}

std::vector<const ExternalReview*> UnresolvedP1(const ProjectModel& m, const std::string& package_id) {
  std::vector<const ExternalReview*> out;
  for (const ExternalReview& r : m.external_reviews) {
    if (r.package_id == package_id && r.p1 > 0) out.push_back(&r);
  }
  return out;
}

std::vector<std::string> LaneCloseBlockers(const ProjectModel& m, const std::string& package_id) {
  std::vector<std::string> out;
  std::vector<std::string> open;
  for (const TaskModel* t : LaneTasks(m, package_id)) {
    if (!LaneTaskDone(t->facts.state))
      open.push_back(absl::StrCat(t->id, " (", TaskStateName(t->facts.state), ")"));
  }
  if (!open.empty()) {
    out.push_back(absl::StrCat(open.size(), " unfinished task(s): ", absl::StrJoin(open, ", ")));
  }
  for (const ExternalReview* r : UnresolvedP1(m, package_id)) {
    out.push_back(absl::StrCat("unresolved P1: ", r->p1, " from ", r->reviewer,
                               r->task.empty() ? "" : absl::StrCat(" on ", r->task), " (", r->file, ", seq ",
                               r->seq, ")"));
  }
  return out;
}

}  // namespace orch

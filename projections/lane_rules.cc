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

const PackageModel* ClaimingLane(const ProjectModel& m, const std::string& package_id) {
  const PackageModel* lane = m.current_lane.empty() ? nullptr : m.FindPackage(m.current_lane);
  if (lane == nullptr || lane->id == package_id || lane->status != LaneStatus::kOpen) return nullptr;
  return lane;
}

absl::StatusOr<std::vector<std::string>> LaneStepRefusals(const ProjectModel& m, LaneStep step,
                                                          const std::string& package_id,
                                                          const std::string& switch_reason) {
  const PackageModel* pkg = m.FindPackage(package_id);
  std::vector<std::string> out;
  switch (step) {
    case LaneStep::kOpen:
      if (pkg != nullptr && pkg->status == LaneStatus::kOpen) out.push_back("it is already open");
      if (const PackageModel* claim = ClaimingLane(m, package_id);
          claim != nullptr && switch_reason.empty()) {
        out.push_back(absl::StrCat("lane ", claim->id, " is open (the current lane): ",
                                   "advance one package at a time; close or block ", claim->id,
                                   " first, or give --switch-reason"));
      }
      return out;
    case LaneStep::kClose:
    case LaneStep::kBlock:
      if (pkg == nullptr) {
        return absl::NotFoundError(
            absl::StrCat("unknown lane '", package_id, "': no package-opened event for it"));
      }
      if (pkg->status == LaneStatus::kClosed) out.push_back("it is already closed");
      if (step == LaneStep::kClose) {
        for (std::string& b : LaneCloseBlockers(m, package_id)) out.push_back(std::move(b));
      }
      return out;
  }
  return out;
}

}  // namespace orch

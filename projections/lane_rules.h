// The rules of feature packages (lanes), decided on the folded model and
// nowhere else: which tasks belong to a lane, how far it has come, what
// keeps it from closing, and which steps (open, close, block) are legal.
// `orch lane` refuses on LaneStepRefusals; the status pages and the
// acceptance pack show LaneCloseBlockers, so the page never says a lane
// may close when the verb would refuse; `orch dispatch` and `orch lane
// open` ask ClaimingLane, so moving to another lane takes a reason in both.
#ifndef ORCH_PROJECTIONS_LANE_RULES_H_
#define ORCH_PROJECTIONS_LANE_RULES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "projections/project_model.h"

namespace orch {

// Is a task's part of its lane done? Merged (or further), cleaned, or
// abandoned; a rejected task still needs a decision (abandon or redo).
bool LaneTaskDone(TaskState s);

// The tasks dispatched into lane `package_id`, in dispatch order.
std::vector<const TaskModel*> LaneTasks(const ProjectModel& m, const std::string& package_id);

struct LaneProgress {
  size_t tasks = 0;     // dispatched into the lane
  size_t done = 0;      // LaneTaskDone
  size_t accepted = 0;  // reviewed accepted (merged or not)
};
LaneProgress ProgressOf(const ProjectModel& m, const std::string& package_id);

// The external reviews of the lane (its own and its tasks') whose latest
// import still counts a P1 finding.
std::vector<const ExternalReview*> UnresolvedP1(const ProjectModel& m, const std::string& package_id);

// Why lane `package_id` cannot close now, one line per reason (unfinished
// tasks named with their states, unresolved P1 findings named with their
// reviewer); empty when it may close. A lane the log does not know or that
// is already closed is not asked here (the verb says so itself).
std::vector<std::string> LaneCloseBlockers(const ProjectModel& m, const std::string& package_id);

// The lane that keeps its claim against the loop moving to `package_id`:
// the current lane while it is open and is another lane. nullptr when the
// loop may move without saying why: no lane is current, the current lane
// is `package_id`, or it is blocked (a blocked lane lets the loop move on).
// Moving anyway (a dispatch into `package_id`, or opening it) takes a
// switch reason, which is recorded.
const PackageModel* ClaimingLane(const ProjectModel& m, const std::string& package_id);

enum class LaneStep { kOpen, kClose, kBlock };

// Why `step` on lane `package_id` may not be recorded now, one line per
// reason; empty when it may. Opening: the lane is already open, or another
// lane claims the loop (ClaimingLane) and `switch_reason` is empty.
// Closing: already closed, or LaneCloseBlockers. Blocking: already closed.
// NotFound when closing or blocking a lane the log never opened.
absl::StatusOr<std::vector<std::string>> LaneStepRefusals(const ProjectModel& m, LaneStep step,
                                                          const std::string& package_id,
                                                          const std::string& switch_reason);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_LANE_RULES_H_

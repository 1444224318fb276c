// The rules of feature packages (lanes), decided on the folded model and
// nowhere else: which tasks belong to a lane, how far it has come, and what
// keeps it from closing. `orch lane close` refuses on LaneCloseBlockers;
// the status pages and the acceptance pack show the same list, so the
// page never says a lane may close when the verb would refuse.
#ifndef ORCH_PROJECTIONS_LANE_RULES_H_
#define ORCH_PROJECTIONS_LANE_RULES_H_

#include <string>
#include <vector>

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

}  // namespace orch

#endif  // ORCH_PROJECTIONS_LANE_RULES_H_

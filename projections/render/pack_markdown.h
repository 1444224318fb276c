// The packs a reviewer reads (orch pack): Markdown built from the folded
// model, the recorded reviews and the git text the verb read. Pure; every
// value from the log or git is escaped (MarkdownEscape) or fenced.
#ifndef ORCH_PROJECTIONS_RENDER_PACK_MARKDOWN_H_
#define ORCH_PROJECTIONS_RENDER_PACK_MARKDOWN_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "projections/acceptance.h"
#include "projections/project_model.h"

namespace orch {

// One task of a review pack.
struct ReviewPackTask {
  const TaskModel* task = nullptr;  // not owned
  std::optional<RecordedReview> review;
  std::string diff_range;  // "base..head" as read, "" when git could not say
  std::string diff_stat, diff;
  std::string git_problem;  // why there is no diff
};

// The review pack of some tasks: contracts, acceptance reports, inspection
// facts, gates, diff stat and diff. Each task's diff is cut to
// `max_diff_bytes` (at a line end) with a note saying how much was left
// out and how to read it whole.
std::string RenderReviewPack(const ProjectModel& m, const std::vector<ReviewPackTask>& tasks,
                             const std::string& title, size_t max_diff_bytes);

// The acceptance pack of lane `package_id`: every task, its verdict,
// evidence, override and risks, the lane's external reviews, and what is
// left before it can close (lane_rules.h). `reviews` holds each task's
// latest review, by task id (absent: none).
std::string RenderAcceptancePack(const ProjectModel& m, const std::string& package_id,
                                 const std::vector<std::pair<std::string, RecordedReview>>& reviews);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_RENDER_PACK_MARKDOWN_H_

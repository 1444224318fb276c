#include "projections/project_model.h"

namespace orch {

const TaskModel* ProjectModel::FindTask(const std::string& id) const {
  auto it = task_index.find(id);
  return it == task_index.end() ? nullptr : &tasks[it->second];
}

const PackageModel* ProjectModel::FindPackage(const std::string& id) const {
  for (const PackageModel& p : packages) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

bool ConstraintStack::empty() const {
  return user_instruction.empty() && constraints.empty() && allowed_paths.empty() &&
         forbidden_paths.empty() && required_gates.empty() && evidence_boundary.empty() &&
         authority.empty() && package_id.empty() && package_switch_reason.empty();
}

void ProjectModel::RebuildIndex() {
  task_index.clear();
  task_index.reserve(tasks.size());
  for (size_t i = 0; i < tasks.size(); ++i) task_index.emplace(tasks[i].id, i);
}

absl::string_view LaneStatusName(LaneStatus s) {
  switch (s) {
    case LaneStatus::kOpen:
      return "open";
    case LaneStatus::kBlocked:
      return "blocked";
    case LaneStatus::kClosed:
      return "closed";
  }
  return "open";
}

bool ParseLaneStatus(absl::string_view name, LaneStatus* out) {
  for (LaneStatus s : {LaneStatus::kOpen, LaneStatus::kBlocked, LaneStatus::kClosed}) {
    if (LaneStatusName(s) == name) {
      *out = s;
      return true;
    }
  }
  return false;
}

void Compare(const std::string& path, LaneStatus a, LaneStatus b, Differences* out) {
  if (a != b) out->push_back(absl::StrCat(path, ": ", LaneStatusName(a), " vs ", LaneStatusName(b)));
}

// Named by id, not index: "tasks[T1].title".
void Compare(const std::string& path, const std::vector<TaskModel>& a, const std::vector<TaskModel>& b,
             Differences* out) {
  CompareListBy(
      path, a, b, [&a](size_t i) { return a[i].id; }, out);
}

Differences ModelDifferences(const ProjectModel& a, const ProjectModel& b) {
  Differences d;
  Compare("", a, b, &d);
  return d;
}

bool operator==(const ProjectModel& a, const ProjectModel& b) { return ModelDifferences(a, b).empty(); }

}  // namespace orch

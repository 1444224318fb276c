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

void ProjectModel::RebuildIndex() {
  task_index.clear();
  task_index.reserve(tasks.size());
  for (size_t i = 0; i < tasks.size(); ++i) task_index.emplace(tasks[i].id, i);
}

}  // namespace orch

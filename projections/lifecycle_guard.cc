#include "projections/lifecycle_guard.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "projections/task_lifecycle.h"
#include "schema/event_schema.h"
#include "schema/status_macros.h"

namespace orch {

absl::StatusOr<TaskLifecycle> FoldTaskLifecycle(const EventStore& store, const std::string& task) {
  TaskLifecycle t;
  EventQuery q;
  q.task = task;
  ORCH_RETURN_IF_ERROR(store.Scan(q, [&t](const LoggedEvent& e) {
    ApplyStep(&t, e.event());
    return true;
  }));
  return t;
}

absl::StatusOr<std::vector<std::string>> LifecycleGuard::Check(
    const EventStore& store, const std::vector<LoggedEvent>& pending) {
  std::vector<std::string> anomalies;
  absl::flat_hash_map<std::string, TaskLifecycle> tasks;  // folded so far, batch included
  for (const LoggedEvent& e : pending) {
    const schema::Event& ev = e.event();
    const std::string task(e.task());
    const std::string type_name = ToKebab(schema::EnumNamePayload(e.type()));
    if (task.empty() && RequiresTask(e.type())) {
      return absl::InvalidArgumentError(absl::StrCat(type_name, " needs a task (--task ID)"));
    }
    if (!task.empty() && ForbidsTask(e.type())) {
      return absl::InvalidArgumentError(
          absl::StrCat(type_name, " is a project-level event and takes no task (got '", task, "')"));
    }
    if (task.empty()) {
      anomalies.emplace_back();
      continue;
    }
    auto it = tasks.find(task);
    if (it == tasks.end()) {
      ORCH_ASSIGN_OR_RETURN(TaskLifecycle t, FoldTaskLifecycle(store, task));
      it = tasks.emplace(task, t).first;
    }
    const StepCheck check = CheckStep(it->second, ev);
    std::string anomaly;
    if (check.problem != Problem::kNone) {
      if (ev.claim() != schema::Claim::observed) {
        const std::string hint = " (use --observed to record it as an observed fact)";
        if (check.problem == Problem::kUnknownTask) return absl::NotFoundError(check.reason + hint);
        return absl::AbortedError(check.reason + hint);
      }
      anomaly = check.reason;
    }
    ApplyStep(&it->second, ev);
    anomalies.push_back(std::move(anomaly));
  }
  return anomalies;
}

}  // namespace orch

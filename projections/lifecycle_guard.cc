#include "projections/lifecycle_guard.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "projections/task_lifecycle.h"
#include "schema/event_schema.h"

namespace orch {

namespace {

// A task's lifecycle as of a sequence number: the guard's state row, so an
// emit folds only the events since the last one instead of the task's whole
// history. Text: "1 <seq> <state> <before_block> <strongest_passing_gate>".
struct FoldedTask {
  TaskLifecycle lifecycle;
  uint64_t seq = 0;  // the last event folded
};

std::string StateKey(const std::string& task) { return absl::StrCat("lifecycle/", task); }

std::string Encode(const FoldedTask& f) {
  return absl::StrCat("1 ", f.seq, " ", static_cast<int>(f.lifecycle.state), " ",
                      static_cast<int>(f.lifecycle.before_block), " ", f.lifecycle.strongest_passing_gate);
}

bool Decode(absl::string_view text, FoldedTask* f) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, ' ');
  int state = 0, before = 0;
  if (parts.size() != 5 || parts[0] != "1" || !absl::SimpleAtoi(parts[1], &f->seq) ||
      !absl::SimpleAtoi(parts[2], &state) || !absl::SimpleAtoi(parts[3], &before) ||
      !absl::SimpleAtoi(parts[4], &f->lifecycle.strongest_passing_gate) ||
      state > static_cast<int>(TaskState::kAbandoned) || before > static_cast<int>(TaskState::kAbandoned)) {
    return false;
  }
  f->lifecycle.state = static_cast<TaskState>(state);
  f->lifecycle.before_block = static_cast<TaskState>(before);
  return true;
}

// Folds the task's events after `f->seq` into `f`.
absl::Status FoldFrom(const EventStore& store, const std::string& task, FoldedTask* f) {
  EventQuery q;
  q.task = task;
  q.from_seq = f->seq + 1;
  return store.Scan(q, [f](const LoggedEvent& e) {
    ApplyStep(&f->lifecycle, e.event());
    f->seq = e.seq();
    return true;
  });
}

// Starts from the guard's state row when there is a usable one. The row is
// only a hint: events appended without the guard are still folded in.
absl::StatusOr<FoldedTask> LoadTask(const EventStore& store, const std::string& task) {
  FoldedTask f;
  auto row = store.GetGuardState(StateKey(task));
  if (row.ok()) {
    if (!Decode(*row, &f) || f.seq > store.head().seq) f = FoldedTask{};
  } else if (!absl::IsNotFound(row.status())) {
    return row.status();
  }
  ORCH_RETURN_IF_ERROR(FoldFrom(store, task, &f));
  return f;
}

}  // namespace

absl::StatusOr<TaskLifecycle> FoldTaskLifecycle(const EventStore& store, const std::string& task) {
  FoldedTask f;
  ORCH_RETURN_IF_ERROR(FoldFrom(store, task, &f));
  return f.lifecycle;
}

absl::StatusOr<GuardOutcome> LifecycleGuard::Check(const EventStore& store,
                                                   const std::vector<LoggedEvent>& pending) {
  GuardOutcome outcome;
  absl::flat_hash_map<std::string, FoldedTask> tasks;  // folded so far, batch included
  std::vector<std::string> order;                      // tasks in first-seen order, for stable rows
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
      outcome.anomalies.emplace_back();
      continue;
    }
    auto it = tasks.find(task);
    if (it == tasks.end()) {
      ORCH_ASSIGN_OR_RETURN(FoldedTask f, LoadTask(store, task));
      it = tasks.emplace(task, f).first;
      order.push_back(task);
    }
    const StepCheck check = CheckStep(it->second.lifecycle, ev);
    std::string anomaly;
    if (check.problem != Problem::kNone) {
      if (ev.claim() != schema::Claim::observed) {
        const std::string hint = " (use --observed to record it as an observed fact)";
        if (check.problem == Problem::kUnknownTask) return absl::NotFoundError(check.reason + hint);
        return absl::AbortedError(check.reason + hint);
      }
      anomaly = check.reason;
    }
    ApplyStep(&it->second.lifecycle, ev);
    it->second.seq = e.seq();
    outcome.anomalies.push_back(std::move(anomaly));
  }
  for (const std::string& task : order) outcome.state.emplace_back(StateKey(task), Encode(tasks[task]));
  return outcome;
}

}  // namespace orch

#include "projections/lifecycle_guard.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/big_endian.h"
#include "base/status_macros.h"
#include "base/time_text.h"
#include "eventstore/guard_rows.h"
#include "projections/model_codec.h"
#include "projections/task_fold.h"
#include "schema/event_schema.h"

namespace orch {

namespace {

// Row key prefix; the row layout is "seq(8, big-endian) EncodeTaskFacts".
constexpr absl::string_view kRowPrefix = "lifecycle/";

// The task as of its row, or from scratch; then folded up to the head.
absl::StatusOr<GuardRow> LoadTask(const EventStore& store, const std::string& task) {
  GuardRow f;
  const uint64_t head = store.head().seq;
  auto bytes = GuardRows::Get(store, GuardRowKey(task));
  if (bytes.ok()) {
    auto row = DecodeGuardRow(*bytes);
    if (row.ok() && row->seq <= head) f = *std::move(row);
  } else if (!absl::IsNotFound(bytes.status())) {
    return bytes.status();
  }
  ORCH_RETURN_IF_ERROR(FoldTaskEvents(store, task, f.seq + 1, head, &f.facts));
  f.seq = head;
  return f;
}

}  // namespace

std::string GuardRowKey(const std::string& task) { return absl::StrCat(kRowPrefix, task); }

std::string TaskOfGuardRowKey(absl::string_view key) {
  if (!absl::StartsWith(key, kRowPrefix)) return "";
  return std::string(key.substr(kRowPrefix.size()));
}

std::string EncodeGuardRow(const GuardRow& row) {
  std::string out;
  PutBigEndian64(&out, row.seq);
  out += EncodeTaskFacts(row.facts);
  return out;
}

absl::StatusOr<GuardRow> DecodeGuardRow(absl::string_view bytes) {
  if (bytes.size() < 8) return absl::DataLossError("guard row is too short");
  GuardRow row;
  row.seq = GetBigEndian64(bytes);
  ORCH_ASSIGN_OR_RETURN(row.facts, DecodeTaskFacts(bytes.substr(8)));
  return row;
}

absl::StatusOr<TaskFacts> GuardView(const EventStore& store, const std::string& task) {
  ORCH_ASSIGN_OR_RETURN(GuardRow row, LoadTask(store, task));
  return row.facts;
}

bool LifecycleGuard::ReadsProjectEvent(EventType type) const {
  for (EventType mover : TasklessMoverTypes())
    if (mover == type) return true;
  return false;
}

absl::StatusOr<GuardOutcome> LifecycleGuard::Check(const EventStore& store,
                                                   const std::vector<LoggedEvent>& pending) {
  GuardOutcome outcome;
  absl::flat_hash_map<std::string, GuardRow> tasks;  // folded so far, batch included
  std::vector<std::string> order;                    // tasks in first-seen order, for stable rows
  std::vector<const LoggedEvent*> movers;            // task-less movers of the batch so far
  const int64_t latest = clock_->NowNanos() + absl::ToInt64Nanoseconds(kFutureAllowance);
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
    if (e.time_ns() > latest) {
      return absl::InvalidArgumentError(absl::StrCat(
          type_name, " dated ", FormatRfc3339(e.time_ns()),
          " is in the future: an event may be dated at most ", absl::FormatDuration(kFutureAllowance),
          " after the clock (now ", FormatRfc3339(clock_->NowNanos()), ")"));
    }
    if (task.empty()) {
      // A project-level pushed moves the merged tasks folded so far; tasks
      // loaded later in the batch get it when they are loaded.
      for (auto& [id, row] : tasks) ApplyEvent(&row.facts, e);
      movers.push_back(&e);
      outcome.anomalies.emplace_back();
      continue;
    }
    auto it = tasks.find(task);
    if (it == tasks.end()) {
      ORCH_ASSIGN_OR_RETURN(GuardRow f, LoadTask(store, task));
      for (const LoggedEvent* m : movers) ApplyEvent(&f.facts, *m);
      it = tasks.emplace(task, std::move(f)).first;
      order.push_back(task);
    }
    const StepCheck check = CheckStep(it->second.facts, e);
    std::string anomaly;
    if (check.problem != Problem::kNone) {
      if (ev.claim() != schema::Claim::observed) {
        const std::string hint = " (use --observed to record it as an observed fact)";
        if (check.problem == Problem::kUnknownTask) return absl::NotFoundError(check.reason + hint);
        return absl::AbortedError(check.reason + hint);
      }
      anomaly = check.reason;
    }
    ApplyEvent(&it->second.facts, e);
    outcome.anomalies.push_back(std::move(anomaly));
  }
  // Each row covers the whole batch (movers included): its seq is the last.
  const uint64_t last = pending.empty() ? store.head().seq : pending.back().seq();
  for (const std::string& task : order) {
    GuardRow& row = tasks[task];
    row.seq = last;
    outcome.state.emplace_back(GuardRowKey(task), EncodeGuardRow(row));
  }
  return outcome;
}

}  // namespace orch

#include "projections/derived_check.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "eventstore/checkpoint_store.h"
#include "eventstore/guard_rows.h"
#include "projections/lifecycle_guard.h"
#include "projections/model_codec.h"
#include "projections/model_loader.h"
#include "projections/project_fold.h"

namespace orch {

namespace {

// Something derived, to be compared with the fold at `seq`.
struct Item {
  uint64_t seq = 0;
  std::string name;                   // "guard row 'lifecycle/T1'", "checkpoint 'project-model' at seq 40"
  std::string task;                   // guard rows
  TaskFacts facts;                    // guard rows
  std::optional<ProjectModel> model;  // checkpoints
  bool details = false;               // checkpoints: decoded with the task details
};

std::string FirstDifference(const Differences& d) {
  return absl::StrCat(d.front(), d.size() > 1 ? absl::StrCat(" (and ", d.size() - 1, " more)") : "");
}

void CompareItem(const Item& item, const ProjectModel& folded, DerivedReport* report) {
  Differences d;
  if (item.model) {
    ++report->checkpoints;
    if (item.details) {
      Compare("", *item.model, folded, &d);
    } else {
      ProjectModel core = folded;
      DropDetails(&core);
      Compare("", *item.model, core, &d);
    }
  } else {
    ++report->guard_rows;
    const TaskModel* t = folded.FindTask(item.task);
    Compare("facts", item.facts, t == nullptr ? TaskFacts{} : t->facts, &d);
  }
  if (!d.empty()) {
    report->problems.push_back(absl::StrCat(item.name, " disagrees with the log folded up to seq ", item.seq,
                                            " (stored vs recomputed): ", FirstDifference(d)));
  }
}

absl::Status CollectGuardRows(const EventStore& store, std::vector<Item>* items, DerivedReport* report) {
  return GuardRows::Scan(store, [&](const std::string& key, const std::string& bytes, uint64_t bound) {
    const std::string name = absl::StrCat("guard row '", key, "'");
    const std::string task = TaskOfGuardRowKey(key);
    if (task.empty()) {
      report->problems.push_back(absl::StrCat(name, " is not a lifecycle guard row"));
      return true;
    }
    if (bound == 0) {
      report->problems.push_back(
          absl::StrCat(name, " is not bound to the chain: its seq and hash name no event of the log"));
      return true;
    }
    auto row = DecodeGuardRow(bytes);
    if (!row.ok()) {
      report->problems.push_back(absl::StrCat(name, " is unreadable: ", row.status().message()));
      return true;
    }
    if (row->seq != bound) {
      report->problems.push_back(
          absl::StrCat(name, " says it covers seq ", row->seq, " but is bound to seq ", bound));
      return true;
    }
    Item item;
    item.seq = bound;
    item.name = name;
    item.task = task;
    item.facts = std::move(row->facts);
    items->push_back(std::move(item));
    return true;
  });
}

absl::Status CollectCheckpoints(const EventStore& store, std::vector<Item>* items, DerivedReport* report) {
  const CheckpointStore checkpoints(store);
  ORCH_ASSIGN_OR_RETURN(std::vector<uint64_t> seqs, checkpoints.List(kModelCheckpointName));
  const uint64_t head = store.head().seq;
  for (uint64_t seq : seqs) {
    const std::string name = absl::StrCat("checkpoint '", kModelCheckpointName, "' at seq ", seq);
    auto core = checkpoints.Get(kModelCheckpointName, seq);
    if (!core.ok() && !absl::IsNotFound(core.status())) return core.status();
    if (!core.ok() || core->first != seq) {
      // CheckpointStore::Get skips a checkpoint not bound to this log's event at
      // its seq; one still on disk is such a checkpoint (else: pruned).
      ORCH_ASSIGN_OR_RETURN(std::vector<uint64_t> now, checkpoints.List(kModelCheckpointName));
      if (std::find(now.begin(), now.end(), seq) != now.end()) {
        report->problems.push_back(
            absl::StrCat(name, " does not match the log: it was folded from another chain"));
      }
      continue;
    }
    if (seq > head) {
      report->problems.push_back(absl::StrCat(name, " is beyond the head of the log (", head, ")"));
      continue;
    }
    std::optional<std::string> details;
    if (auto d = checkpoints.Get(kModelDetailsCheckpointName, seq); d.ok() && d->first == seq) {
      details = std::move(d->second);
    }
    auto model =
        DecodeModelParts(core->second, details ? std::optional<absl::string_view>(*details) : std::nullopt);
    if (absl::IsFailedPrecondition(model.status())) {
      ++report->skipped;
      continue;
    }
    if (!model.ok()) {
      report->problems.push_back(absl::StrCat(name, " is unreadable: ", model.status().message()));
      continue;
    }
    Item item;
    item.seq = seq;
    item.name = name;
    item.model = *std::move(model);
    item.details = details.has_value();
    items->push_back(std::move(item));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<DerivedReport> CheckDerived(const EventStore& store) {
  DerivedReport report;
  std::vector<Item> items;
  ORCH_RETURN_IF_ERROR(CollectGuardRows(store, &items, &report));
  ORCH_RETURN_IF_ERROR(CollectCheckpoints(store, &items, &report));
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.seq < b.seq; });
  // One pass over the log: each item is compared once the fold has reached
  // its seq and before it goes past.
  ProjectFold fold;
  size_t next = 0;
  EventQuery q;
  q.to_seq = store.head().seq;
  ORCH_RETURN_IF_ERROR(store.Scan(q, [&](const LoggedEvent& e) {
    for (; next < items.size() && items[next].seq < e.seq(); ++next)
      CompareItem(items[next], fold.model(), &report);
    fold.Apply(e);
    return true;
  }));
  for (; next < items.size(); ++next) CompareItem(items[next], fold.model(), &report);
  return report;
}

}  // namespace orch

// The per-task half of the import plan (import_plan.h): one predecessor
// task's history as orch events, each step checked with the one task fold
// (CheckStep / ApplyEvent) so it is claimed `observed` exactly when the
// lifecycle guard would refuse it otherwise. Internal to importer/.
#ifndef ORCH_IMPORTER_TASK_PLAN_H_
#define ORCH_IMPORTER_TASK_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "importer/predecessor.h"
#include "nlohmann/json.hpp"
#include "schema/event_schema.h"

namespace orch::importer {

// One event being planned: its `orch emit` JSON form (no idempotency key
// yet) and where it comes from.
struct Draft {
  nlohmann::ordered_json json;
  int64_t at = 0;
  std::string task;
  std::string origin;
  bool observed = false;
};

// A draft's JSON without the key: type, task, actor, claim, at, note,
// evidence, payload.
nlohmann::ordered_json DraftJson(const std::string& type, const std::string& task, int64_t at,
                                 const std::string& note);

// The append request of `j`; errors are prefixed with `origin`.
absl::StatusOr<AppendRequest> BuildRequest(EventSchema& schema, const nlohmann::ordered_json& j,
                                           const std::string& origin);

// The events of `task`, whose entries (history plus unmatched events.jsonl
// lines) are in time order. `fallback_at` dates what has no time of its own
// when the task has no entry (the ledger's updatedAt, else createdAt).
absl::StatusOr<std::vector<Draft>> PlanTask(EventSchema& schema, const Ledger& ledger, const Task& task,
                                            const std::vector<Entry>& entries, int64_t fallback_at);

}  // namespace orch::importer

#endif  // ORCH_IMPORTER_TASK_PLAN_H_

// The predecessor's history as orch events: what `orch import` appends.
//
// Pure (no I/O, no store): the same files give the same events, byte for
// byte, so the idempotency keys (derived from each event's content) make a
// second import of the same files append nothing.
//
// The mapping (docs/import.md has the whole table):
//   - ledger.json's settings -> project-initialized (at `init`'s time, else
//     createdAt); events.jsonl's run-mode lines and the ledger's
//     dispatchMode/dispatchNote -> run-mode-changed (drain -> draining);
//   - each task: its history entries (and its events.jsonl lines that the
//     history lacks) in time order. An entry that changes the task's status
//     becomes the events that reach that status in orch's lifecycle (the
//     first one a dispatched with the task's title, package, branch, base
//     commit, pending worktree id, write set, gates, expected evidence,
//     budget and constraint stack; `review` -> merged becomes reviewed
//     (accepted) + merged, ...). When no legal path of orch's lifecycle
//     reaches the status, one event that lands there is recorded as
//     observed, with the predecessor's status in its note; it is imported
//     history (IsImportedHistory), not an anomaly of the night. An entry
//     that changes nothing is a note.
//   - what has no event of its own (evidence labels and notes, the last
//     observation, routine runs, unknown keys) becomes notes. Evidence
//     labels are claims in orch: a note carrying the label, never a backed
//     label (evidence.labels stays for what orch's gates back).
// Every event has actor kImportActor, claim reported unless it had to be
// observed, the predecessor's time, and an idempotency key starting with
// kImportKeyPrefix.
#ifndef ORCH_IMPORTER_IMPORT_PLAN_H_
#define ORCH_IMPORTER_IMPORT_PLAN_H_

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

struct PlannedEvent {
  // The `orch emit --jsonl` form (payload under "payload"): printing the
  // plan gives a file `orch emit --jsonl` appends as the import would.
  nlohmann::ordered_json json;
  AppendRequest request;
  int64_t at = 0;
  std::string task;
  bool observed = false;  // a step orch's lifecycle forbids, recorded as observed
  std::string origin;     // the file and the entry or field it comes from
};

struct ImportPlan {
  std::vector<PlannedEvent> events;  // in time order: one atomic batch
  size_t tasks = 0;
  size_t observed = 0;
};

struct ImportOptions {
  // When non-zero, an event dated more than the guard's allowance after
  // this instant is refused here, naming its file and entry (the guard
  // would refuse the batch without naming them).
  int64_t now_ns = 0;
};

// `events` may be empty (no events.jsonl given). InvalidArgument names the
// file and the entry or field at fault: a value orch refuses (a task id, an
// evidence label, an unreadable time, ...), or no time to date the import
// by. Not thread-safe (`schema` builds events).
absl::StatusOr<ImportPlan> PlanImport(EventSchema& schema, const Ledger& ledger,
                                      const std::vector<Entry>& events, const ImportOptions& options = {});

}  // namespace orch::importer

#endif  // ORCH_IMPORTER_IMPORT_PLAN_H_

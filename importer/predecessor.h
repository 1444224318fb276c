// The predecessor's files, read and checked: codex-orchestrator's
// `.codex-orchestrator/ledger.json` and `events.jsonl`, as plain values.
//
// The type contract is the one its readers hold (docs/ledger.md, "The
// predecessor's contract"): a value of the wrong JSON type, a time that is
// not RFC3339, a status the predecessor does not use, or malformed JSON is
// refused with InvalidArgument naming the file and the line (malformed
// JSON, events.jsonl) or the field (`tasks[3].history[1].status`). Keys the
// contract does not know are kept (as JSON) for the importer to record as
// notes: nothing is dropped silently.
//
// No I/O: the caller reads the files and passes their text and name.
#ifndef ORCH_IMPORTER_PREDECESSOR_H_
#define ORCH_IMPORTER_PREDECESSOR_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "projections/project_model.h"

namespace orch::importer {

// Keys and values kept as they were (in key order: the JSON reader sorts
// an object's keys).
using KeptJson = std::vector<std::pair<std::string, nlohmann::json>>;

// One history entry (ledger.json) or one line (events.jsonl).
struct Entry {
  int64_t at = 0;  // Unix nanoseconds
  std::string type, status, task, note;
  // Every other key of the entry (all strings by the contract), in key
  // order: branch, packageId, pendingWorktreeId, worktree, ...
  std::vector<std::pair<std::string, std::string>> extras;
  std::string origin;  // "ledger.json: tasks[2].history[1]", "events.jsonl line 7"
};

struct Task {
  std::string id, status;
  std::string title, package_id, thread_id, pending_worktree_id, worktree, branch, base_commit;
  bool has_budget = false;
  Budget budget;
  bool has_constraint_stack = false;
  ConstraintStack constraint_stack;
  std::vector<std::string> allowed, forbidden, gates;
  // evidence: `expected`, `labels` and `notes` when they have the types
  // codex-orchestrator writes; anything else of it in evidence_other.
  std::string expected_evidence;
  std::vector<std::string> labels, evidence_notes;
  KeptJson evidence_other;
  KeptJson last_observation;  // string values by the contract
  std::vector<Entry> history;
  KeptJson unknown;    // keys the contract does not know
  std::string origin;  // "ledger.json: tasks[2]"
};

struct Ledger {
  int64_t version = 0;
  std::string project_root, default_branch, remote, push_policy;
  int64_t created_at = 0, updated_at = 0;  // 0 when absent or ""
  bool has_dispatch_mode = false;
  std::string dispatch_mode, dispatch_note;  // active, drain, paused
  bool has_max_concurrency = false;
  int64_t max_concurrency = 0;
  std::vector<Task> tasks;
  std::vector<nlohmann::json> routine_runs, misalignment_events;
  KeptJson unknown;
  std::string name;  // the file name errors and origins use
};

// The task statuses codex-orchestrator uses (pending-setup, active, ...).
const std::vector<std::string>& PredecessorStatuses();
bool IsPredecessorStatus(absl::string_view status);

// ledger.json. `name` is how messages name the file (the path given).
absl::StatusOr<Ledger> ParseLedger(absl::string_view text, const std::string& name);

// events.jsonl: one flat object of strings a line (blank lines skipped).
absl::StatusOr<std::vector<Entry>> ParseEvents(absl::string_view text, const std::string& name);

}  // namespace orch::importer

#endif  // ORCH_IMPORTER_PREDECESSOR_H_

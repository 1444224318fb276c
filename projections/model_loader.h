// Loading the folded model from a store: the newest usable checkpoint plus
// the events after it. The only place the projections touch the store.
//
// Checkpoints are kept in the model_codec.h form, in two parts at the same
// seq (CheckpointStore::Put): the core under kModelCheckpointName and
// the tasks' details under kModelDetailsCheckpointName, so the status pages
// read under half of the bytes. They are a cache: a missing, unreadable or
// older-version checkpoint only means folding from the start. Writing one
// prunes the older ones but the newest kCheckpointsKept.
#ifndef ORCH_PROJECTIONS_MODEL_LOADER_H_
#define ORCH_PROJECTIONS_MODEL_LOADER_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"
#include "formats/time_spec.h"
#include "projections/project_model.h"

namespace orch {

inline constexpr char kModelCheckpointName[] = "project-model";
inline constexpr char kModelDetailsCheckpointName[] = "project-model-details";
// Older checkpoints kept when a new one is written (time travel starts from
// the nearest earlier one).
inline constexpr size_t kCheckpointsKept = 8;

struct LoadOptions {
  // The state as it was at this moment: events up to and including this
  // seq, or with a time at or before this instant. Unset: the whole log.
  std::optional<TimeSpec> at;
  // Ignore checkpoints and fold every event (a rebuild).
  bool from_scratch = false;
  // Write a new checkpoint when at least this many events were folded past
  // the one used (only for whole-log loads; a failed write is skipped
  // silently). 0 disables writing.
  uint64_t checkpoint_every = 1000;
  // false: leave each task's history, gate runs, evidence notes, residual
  // risks and state transitions empty (or holding only what was folded
  // after the checkpoint), and skip reading them: enough for the text,
  // Markdown and JSON status pages, which do not show them. WARNING: such a
  // model must not be rendered as a ledger or an HTML page (its picture
  // draws the transitions). A load that writes a checkpoint reads the
  // details anyway.
  bool task_details = true;
};

struct LoadStats {
  uint64_t checkpoint_seq = 0;  // 0: folded from scratch
  uint64_t folded = 0;          // events applied after the checkpoint
  bool wrote_checkpoint = false;
};

// Folds the model for `options`. Errors are the store's (DataLoss for a bad
// record, ...); checkpoint problems are not errors. `stats` may be null.
absl::StatusOr<ProjectModel> LoadProjectModel(EventStore& store, const LoadOptions& options,
                                              LoadStats* stats = nullptr);
// The same without writing a checkpoint (checkpoint_every is ignored): for
// a store the caller may only read, such as an AppendGuard's.
absl::StatusOr<ProjectModel> ReadProjectModel(const EventStore& store, const LoadOptions& options,
                                              LoadStats* stats = nullptr);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_MODEL_LOADER_H_

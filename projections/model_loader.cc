#include "projections/model_loader.h"

#include "base/status_macros.h"
#include "eventstore/checkpoint_store.h"
#include "projections/model_codec.h"
#include "projections/project_fold.h"

namespace orch {

namespace {

// How many older checkpoints a time-travel load looks at before it gives up
// and folds from the start (each look reads one value, not the model).
constexpr int kMaxCheckpointProbes = 16;

// The newest checkpoint core at or before `max_seq` whose events all
// happened at or before `max_at` (when given). nullopt when there is none.
std::optional<std::string> FindCheckpoint(const EventStore& store, uint64_t max_seq,
                                          std::optional<int64_t> max_at) {
  const CheckpointStore checkpoints(store);
  uint64_t limit = max_seq;
  for (int probe = 0; probe < kMaxCheckpointProbes && limit > 0; ++probe) {
    auto cp = checkpoints.Get(kModelCheckpointName, limit);
    if (!cp.ok()) return std::nullopt;
    auto header = PeekCheckpoint(cp->second);
    if (header.ok() && header->seq == cp->first && (!max_at || header->max_at <= *max_at)) {
      return std::move(cp->second);
    }
    if (cp->first == 0) return std::nullopt;
    limit = cp->first - 1;
  }
  return std::nullopt;
}

// The model of a checkpoint core, with its details when `details`. Errors
// (details missing or unreadable, ...) mean: fold from the start.
absl::StatusOr<ProjectModel> DecodeCheckpoint(const EventStore& store, const std::string& core,
                                              bool details) {
  if (!details) return DecodeModelParts(core, std::nullopt);
  ORCH_ASSIGN_OR_RETURN(CheckpointHeader header, PeekCheckpoint(core));
  ORCH_ASSIGN_OR_RETURN(auto d, CheckpointStore(store).Get(kModelDetailsCheckpointName, header.seq));
  if (d.first != header.seq) return absl::NotFoundError("no checkpoint details at that seq");
  return DecodeModelParts(core, d.second);
}

// Details first: a core in the store always has its details beside it.
// Then the older checkpoints are pruned (a failure there costs nothing).
bool WriteCheckpoint(EventStore& store, const ProjectModel& model) {
  EncodedModel e = EncodeModelParts(model);
  const CheckpointStore checkpoints(store);
  if (!checkpoints.Put(kModelDetailsCheckpointName, model.head_seq, e.details).ok()) return false;
  if (!checkpoints.Put(kModelCheckpointName, model.head_seq, e.core).ok()) return false;
  checkpoints.Prune(kModelCheckpointName, model.head_seq, kCheckpointsKept).IgnoreError();
  checkpoints.Prune(kModelDetailsCheckpointName, model.head_seq, kCheckpointsKept).IgnoreError();
  return true;
}

}  // namespace

namespace {

// `writable`: the store again, for checkpoints (null: none is written).
absl::StatusOr<ProjectModel> Load(const EventStore& store, EventStore* writable, const LoadOptions& o,
                                  LoadStats* stats) {
  LoadStats local;
  if (stats == nullptr) stats = &local;
  *stats = LoadStats{};
  EventQuery q;
  q.to_seq = store.head().seq;
  const uint64_t head = q.to_seq;
  std::optional<int64_t> max_at;
  if (o.at) {
    if (o.at->is_seq) {
      q.to_seq = std::min(q.to_seq, o.at->seq);
    } else {
      max_at = o.at->time_ns;
      q.until_ns = o.at->time_ns + 1;  // "as it was at T" includes events at T
    }
  }
  // Only a whole-log load that folds enough events writes a checkpoint, and
  // it must hold the details: known before folding, as seqs have no gaps.
  const bool may_write = writable != nullptr && !o.at && o.checkpoint_every > 0;
  auto writes = [&](uint64_t from_seq) { return may_write && head + 1 - from_seq >= o.checkpoint_every; };
  ProjectFold fold;
  if (!o.from_scratch && q.to_seq > 0) {
    if (auto core = FindCheckpoint(store, q.to_seq, max_at)) {
      auto header = PeekCheckpoint(*core);
      const bool details = o.task_details || (header.ok() && writes(header->seq + 1));
      auto model = DecodeCheckpoint(store, *core, details);
      if (model.ok()) {
        stats->checkpoint_seq = model->head_seq;
        q.from_seq = model->head_seq + 1;
        fold = ProjectFold(*std::move(model));
      }
    }
  }
  if (q.from_seq <= q.to_seq) {
    ORCH_RETURN_IF_ERROR(store.Scan(q, [&](const LoggedEvent& e) {
      fold.Apply(e);
      ++stats->folded;
      return true;
    }));
  }
  ProjectModel model = fold.Take();
  const bool whole_log = !o.at && model.head_seq == head;
  const bool first = stats->checkpoint_seq == 0 && stats->folded > 0;
  if (may_write && whole_log && (first || stats->folded >= o.checkpoint_every)) {
    // Best effort: a failed write (a full disk, a read-only store) only costs
    // the next call a longer fold.
    stats->wrote_checkpoint = WriteCheckpoint(*writable, model);
  }
  return model;
}

}  // namespace

absl::StatusOr<ProjectModel> LoadProjectModel(EventStore& store, const LoadOptions& o, LoadStats* stats) {
  return Load(store, &store, o, stats);
}

absl::StatusOr<ProjectModel> ReadProjectModel(const EventStore& store, const LoadOptions& o,
                                              LoadStats* stats) {
  return Load(store, nullptr, o, stats);
}

}  // namespace orch

#include "projections/model_loader.h"

#include "projections/model_codec.h"
#include "projections/project_fold.h"
#include "schema/status_macros.h"

namespace orch {

namespace {

// How many older checkpoints a time-travel load looks at before it gives up
// and folds from the start (each look reads one value, not the model).
constexpr int kMaxCheckpointProbes = 16;

// The newest checkpoint at or before `max_seq` whose events all happened
// at or before `max_at` (when given). nullopt when there is none to use.
std::optional<std::string> FindCheckpoint(const EventStore& store, uint64_t max_seq,
                                          std::optional<int64_t> max_at) {
  uint64_t limit = max_seq;
  for (int probe = 0; probe < kMaxCheckpointProbes && limit > 0; ++probe) {
    auto cp = store.GetCheckpoint(kModelCheckpointName, limit);
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

}  // namespace

absl::StatusOr<ProjectModel> LoadProjectModel(EventStore& store, const LoadOptions& o, LoadStats* stats) {
  LoadStats local;
  if (stats == nullptr) stats = &local;
  *stats = LoadStats{};
  EventQuery q;
  q.to_seq = store.head().seq;
  std::optional<int64_t> max_at;
  if (o.at) {
    if (o.at->is_seq) {
      q.to_seq = std::min(q.to_seq, o.at->seq);
    } else {
      max_at = o.at->time_ns;
      q.until_ns = o.at->time_ns + 1;  // "as it was at T" includes events at T
    }
  }
  ProjectFold fold;
  if (!o.from_scratch && q.to_seq > 0) {
    if (auto bytes = FindCheckpoint(store, q.to_seq, max_at)) {
      auto model = DecodeModel(*bytes);
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
  const bool whole_log = !o.at && model.head_seq == store.head().seq;
  const bool first = stats->checkpoint_seq == 0 && stats->folded > 0;
  if (whole_log && o.checkpoint_every > 0 && (first || stats->folded >= o.checkpoint_every)) {
    // Best effort: a follower cannot write, and a failed write only costs
    // the next call a longer fold.
    stats->wrote_checkpoint = store.PutCheckpoint(kModelCheckpointName, model.head_seq, EncodeModel(model)).ok();
  }
  return model;
}

}  // namespace orch

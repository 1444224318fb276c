// Recomputes what the store keeps derived from the events — the lifecycle
// guard's rows and the projection checkpoints — and compares each, field by
// field, with a fresh fold of the log up to the seq it claims to cover. A
// row or checkpoint that disagrees was forged, or written by a fold with a
// bug; either way nothing derived may be trusted until it is rebuilt.
//
// Reads through the store's interfaces only (GuardRows::Scan,
// CheckpointStore List and Get, EventStore::Scan), so it does not depend
// on where the store keeps them.
#ifndef ORCH_PROJECTIONS_DERIVED_CHECK_H_
#define ORCH_PROJECTIONS_DERIVED_CHECK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"

namespace orch {

struct DerivedReport {
  uint64_t guard_rows = 0;   // guard rows compared
  uint64_t checkpoints = 0;  // checkpoints compared
  // Checkpoints of another codec version: the loader ignores them, so they
  // cannot mislead; counted, not compared.
  uint64_t skipped = 0;
  // One line per row or checkpoint that disagrees (or cannot be read),
  // naming it and its first differing fact; empty when all agree.
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};

// Folds the whole log once (ProjectFold, whose task facts are the task
// fold's) and compares every guard row with the facts of its task at the
// row's seq, and every checkpoint of the project model with the model at
// its seq. Errors are the store's (reading the log); differences go into
// the report.
absl::StatusOr<DerivedReport> CheckDerived(const EventStore& store);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_DERIVED_CHECK_H_

// The Record FlatBuffer around an event: what the chain's hash covers.
// Built in this one place so that the store's appends, its verify and the
// importer's drafts (importer/task_plan.cc, which folds records before they
// are stored) all agree on the bytes.
#ifndef ORCH_EVENTSTORE_RECORD_BUILDER_H_
#define ORCH_EVENTSTORE_RECORD_BUILDER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace orch {

// `prev_hash` (raw 32 bytes) and `anomaly` may be empty; `event` is a
// finished Event FlatBuffer, nested with its own alignment.
std::string BuildRecord(uint64_t seq, uint64_t version, int64_t time_ns, absl::string_view prev_hash,
                        absl::string_view anomaly, absl::string_view event);

}  // namespace orch

#endif  // ORCH_EVENTSTORE_RECORD_BUILDER_H_

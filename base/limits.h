// Limits on input that more than one layer enforces, in one place.
#ifndef ORCH_BASE_LIMITS_H_
#define ORCH_BASE_LIMITS_H_

#include <cstddef>

namespace orch {

// One `emit --jsonl` batch (and any whole-file input read into memory, such
// as `orch import`'s): held in memory whole until it is written, so a
// runaway producer gets a clear error rather than a process that grows by
// gigabytes. The front client forwards at most one byte more to the server,
// so the server says the same as a direct emit.
inline constexpr size_t kMaxBatchInputBytes = size_t{64} << 20;

}  // namespace orch

#endif  // ORCH_BASE_LIMITS_H_

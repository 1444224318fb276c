// ORCH_NOW: pins the clock every verb reads, so a schedule (heartbeats,
// budgets, the watchdog) can be replayed or tested without waiting.
#ifndef ORCH_COMMANDS_PINNED_CLOCK_H_
#define ORCH_COMMANDS_PINNED_CLOCK_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "eventstore/env.h"
#include "eventstore/posix_env.h"

namespace orch {

// The real Env with its clock stopped at one instant; sleeping still
// sleeps. Thread-safe.
class PinnedClockEnv : public SystemEnv {
 public:
  explicit PinnedClockEnv(int64_t now_ns) : now_(now_ns) {}
  int64_t NowNanos() override { return now_; }

 private:
  const int64_t now_;
};

// $ORCH_NOW as an RFC3339 instant; nullopt when unset or empty.
// InvalidArgument (naming the variable and its value) when it is not one.
absl::StatusOr<std::optional<int64_t>> PinnedNowFromEnvironment();
// The same for a value of ORCH_NOW (null: unset).
absl::StatusOr<std::optional<int64_t>> ParsePinnedNow(const char* value);

}  // namespace orch

#endif  // ORCH_COMMANDS_PINNED_CLOCK_H_

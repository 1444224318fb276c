// RecoverStore: the explicit repair of a store whose write-ahead log is
// damaged (`orch recover`), apart from the everyday interface.
#ifndef ORCH_EVENTSTORE_STORE_RECOVERY_H_
#define ORCH_EVENTSTORE_STORE_RECOVERY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"

namespace orch {

// What RecoverStore did.
struct RecoveryReport {
  bool damaged = false;        // false: nothing to recover
  std::string damage;          // DescribeDamage of what was found
  std::vector<uint64_t> lost;  // seqs that could not be recovered, ascending
  // The damaged bytes named no event and nothing intact follows them:
  // everything written after `lost_after` is gone, count unknown.
  bool lost_unknown = false;
  uint64_t lost_after = 0;
  std::vector<uint64_t> salvaged;  // seqs kept from records RocksDB would drop
  std::string preserved_in;        // copies of the damaged logs
  uint64_t recorded_seq = 0;       // the store-recovered event
};

// The explicit repair of a store whose write-ahead log is damaged: keeps
// a copy of the damaged logs in <dir>/damaged/, replays every intact
// record (including intact records RocksDB would drop after a bad one),
// and appends a store-recovered event naming the lost sequence numbers,
// which are never reused. Afterwards the store opens, appends and
// verifies (Verify reports the acknowledged loss). Takes the writer's
// lock like Open. A store without damage is left as it is.
absl::StatusOr<RecoveryReport> RecoverStore(const std::string& dir, const StoreOptions& options);

}  // namespace orch

#endif  // ORCH_EVENTSTORE_STORE_RECOVERY_H_

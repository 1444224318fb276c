// What EventStore::Verify found, and the losses a recovery acknowledged.
#ifndef ORCH_EVENTSTORE_VERIFY_REPORT_H_
#define ORCH_EVENTSTORE_VERIFY_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace orch {

// Events lost to damage and acknowledged by a recovery (RecoverStore), as
// recorded in the log by a store-recovered event.
struct AcknowledgedLoss {
  uint64_t from = 0, to = 0;  // inclusive range of lost sequence numbers
  uint64_t recorded_at = 0;   // seq of the store-recovered event
};

struct VerifyReport {
  uint64_t checked = 0;
  uint64_t first_bad_seq = 0;  // 0 when intact
  std::string problem;         // what is wrong at first_bad_seq
  // Gaps the chain has because a recovery lost those events and said so;
  // an intact chain may have them.
  std::vector<AcknowledgedLoss> acknowledged;
  bool intact() const { return first_bad_seq == 0 && problem.empty(); }
};

}  // namespace orch

#endif  // ORCH_EVENTSTORE_VERIFY_REPORT_H_

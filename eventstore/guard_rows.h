// GuardRows: the rows an AppendGuard keeps beside the log (GuardOutcome::
// state, append_guard.h), read back by the guard that wrote them and by
// `orch verify`, which recomputes them. Not part of the everyday store
// interface: only these two clients need them.
#ifndef ORCH_EVENTSTORE_GUARD_ROWS_H_
#define ORCH_EVENTSTORE_GUARD_ROWS_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"

namespace orch {

class GuardRows {
 public:
  // A row an AppendGuard stored with an earlier batch; NotFound if none.
  // Each row is bound to the chain: stored with the seq and hash of the head
  // after its batch, and returned only while the event at that seq still
  // has that hash (a row that is not, or names a seq beyond the head, is
  // NotFound: the guard refolds from the log).
  // WARNING: a guard must still treat it as a hint and fold the log after
  // it: events appended without the guard have no row; and a binding only
  // proves which head a row claims, not that its content was derived from
  // it (`orch verify` recomputes rows to prove that).
  static absl::StatusOr<std::string> Get(const EventStore& store, const std::string& key) {
    return store.GetGuardState(key);
  }
  // Visits every guard row in key order until `visit` returns false, with
  // the seq it is bound to; a row whose binding does not hold is visited
  // with bound_seq 0 and its stored bytes as they are.
  static absl::Status Scan(const EventStore& store,
                           const std::function<bool(const std::string& key, const std::string& bytes,
                                                    uint64_t bound_seq)>& visit) {
    return store.ScanGuardStates(visit);
  }
};

}  // namespace orch

#endif  // ORCH_EVENTSTORE_GUARD_ROWS_H_

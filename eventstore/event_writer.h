// EventWriter: the store opened by the one process that appends. Callers
// that only read take the EventStore it derives from (event_store.h).
#ifndef ORCH_EVENTSTORE_EVENT_WRITER_H_
#define ORCH_EVENTSTORE_EVENT_WRITER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"

namespace orch {

class AppendGuard;  // append_guard.h: checks a batch under the append lock

// One event to append.
struct AppendRequest {
  std::string event;                         // a finished Event FlatBuffer
  std::optional<int64_t> at_ns;              // when it happened; default: Env clock
  std::optional<uint64_t> expected_version;  // task version before this event
};

struct AppendResult {
  uint64_t seq = 0;
  uint64_t version = 0;    // task version after the event; 0 for project events
  std::string hash;        // raw 32 bytes
  bool duplicate = false;  // idempotent retry: nothing was appended
  std::string anomaly;
};

// The one process that appends: holds <store>/writer.lock until destroyed.
class EventWriter : public EventStore {
 public:
  // Appends a batch atomically with a synced WAL: after OK returns, the
  // events survive a crash. Assigns gap-free sequence numbers and per-task
  // versions. All or nothing: on error nothing is appended. Thread-safe.
  // Group commit: batches that callers append at the same time are checked
  // one after another in arrival order, each exactly as it would be alone
  // (a refused one gets its own error and the others go on), and written
  // in ONE synced write; each call returns once that write is durable.
  // Batches share a group only when none could see the others' events:
  // no task, idempotency key or guard-read project event in common, and
  // no event whose check reads the whole log (so a guard's view of the
  // log is the same as if they ran one by one).
  // WARNING: with idempotency keys, a result may be a duplicate that refers
  // to an earlier event; check AppendResult::duplicate.
  virtual absl::StatusOr<std::vector<AppendResult>> Append(std::vector<AppendRequest> batch,
                                                           AppendGuard* guard = nullptr) = 0;

  // Another process is queued for the writer's lock (a long-lived owner,
  // `orch serve`, steps aside for it). Thread-safe.
  virtual bool OtherWriterWaiting() const = 0;
};

// Opens the store in `dir` as its writer, waiting up to lock_timeout for
// another writer. DataLoss when a write-ahead log is damaged (RecoverStore).
absl::StatusOr<std::unique_ptr<EventWriter>> OpenEventWriter(const std::string& dir,
                                                             const StoreOptions& options);

}  // namespace orch

#endif  // ORCH_EVENTSTORE_EVENT_WRITER_H_

// EventStore: orch's append-only event log.
//
// A narrow interface in the spirit of LevelDB's DB: opened by a factory,
// every call returns absl::Status. This header is the read side; the one
// process that appends holds an EventWriter (event_writer.h). The RocksDB
// implementation (rocksdb_event_store.cc) is private to eventstore/.
//
// Status codes callers can rely on:
//   InvalidArgument     malformed request (bad event bytes, task id with NUL)
//   Aborted             conflict: expected version mismatch, idempotency key
//                       reused with other content, or an AppendGuard refusal
//   FailedPrecondition  store missing, written by a newer orch, or not
//                       usable by this process (permission denied,
//                       read-only file system: the message names errno)
//   Unavailable         store locked by another process past the timeout,
//                       or another I/O error
//   DataLoss            damage: a record fails verification, an event is
//                       missing, or a write-ahead log is damaged (the
//                       store then refuses to open until RecoverStore)
//   ResourceExhausted   disk full ("disk full: N bytes free on DIR")
#ifndef ORCH_EVENTSTORE_EVENT_STORE_H_
#define ORCH_EVENTSTORE_EVENT_STORE_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "eventstore/env.h"

// The event type, declared as schema/events.fbs makes it (the schema's
// C++ header comes with logged_event.h, where its members are needed).
namespace orch::schema {
enum class Payload : uint8_t;
}  // namespace orch::schema

namespace orch {

using EventType = schema::Payload;
class LoggedEvent;       // logged_event.h: one verified record read back
struct VerifyReport;     // verify_report.h: what Verify found
struct CheckpointPlace;  // checkpoint_store.h

// The on-disk format this binary writes and the newest it can read.
inline constexpr int kStoreFormatVersion = 1;
// Largest Event FlatBuffer accepted (payload plus envelope).
inline constexpr size_t kMaxEventBytes = 1 << 20;

struct StoreOptions {
  // Required; not owned; must outlive the store. Every file the store (and
  // RocksDB under it) writes goes through it.
  Env* env = nullptr;
  bool create_if_missing = false;
  // A store created by this Open: directory 2770 and files 0660 (group
  // members may read and emit) instead of 0700 and 0600. Later opens follow
  // the directory's mode.
  bool shared_group = false;
  // How long a writer waits for the writers before it to finish. Writers
  // queue on <store>/writer.lock and are woken by its release. A minute:
  // an agent's step is better recorded late than refused, and 128 emitters
  // queued on a loaded 2-core machine waited up to 16 s (docs/benchmarks.md).
  absl::Duration lock_timeout = absl::Seconds(60);
  // Read on past damage (a changed or missing event) with a warning instead
  // of failing with DataLoss.
  bool allow_damaged = false;
  // Where one-line warnings go (a checkpoint ignored, damage read past);
  // unset: nowhere. Called from the thread that reads.
  std::function<void(const std::string&)> warn;
  // A writer refuses to open (ResourceExhausted) with less free space than
  // this on the store's filesystem: RocksDB needs room to flush its
  // memtable (8 MiB) and would otherwise fail in the middle of the work.
  uint64_t min_free_bytes = uint64_t{16} << 20;
};

// Which events to read. Every criterion narrows the result; the store picks
// the most selective index (task, then time, then type) and never scans the
// whole log for a task or a time window.
struct EventQuery {
  uint64_t from_seq = 1;
  uint64_t to_seq = std::numeric_limits<uint64_t>::max();  // inclusive
  std::optional<std::string> task;
  std::optional<int64_t> since_ns;  // inclusive
  std::optional<int64_t> until_ns;  // exclusive
  std::vector<EventType> types;     // empty: any
};

struct Head {
  uint64_t seq = 0;  // 0 for an empty log
  std::string hash;  // raw 32 bytes; 32 zero bytes for an empty log
};

// The read interface: everything projections and reports need. Opened by
// OpenEventReader, or an EventWriter (event_writer.h), which is also one.
class EventStore {
 public:
  virtual ~EventStore() = default;

  // Visits matching events in sequence order until `visit` returns false.
  // The LoggedEvent is valid only during the call (use Own() to keep it).
  // Every record's hash is recomputed; a plain sequence range (no task,
  // time or type) also checks the gap-free sequence, the prev-hash links
  // and, read to the end, the head. DataLoss on damage (unless
  // StoreOptions::allow_damaged: then a warning, and the read goes on).
  virtual absl::Status Scan(const EventQuery& query,
                            const std::function<bool(const LoggedEvent&)>& visit) const = 0;
  // Scan, collected.
  absl::StatusOr<std::vector<LoggedEvent>> Read(const EventQuery& query) const;

  // The event at `seq`, its hash checked; NotFound when absent.
  virtual absl::StatusOr<LoggedEvent> Get(uint64_t seq) const = 0;
  virtual Head head() const = 0;
  // Current version of `task`; 0 when the task has no events.
  virtual absl::StatusOr<uint64_t> TaskVersion(const std::string& task) const = 0;

  // Walks the whole chain and RocksDB's block checksums. `progress` (may be
  // null) is called now and then with the number checked.
  virtual absl::StatusOr<VerifyReport> Verify(const std::function<void(uint64_t)>& progress) const = 0;

  // A reader sees the events appended by the writer since it opened or
  // last caught up; a writer sees its own already (OK, nothing done).
  virtual absl::Status CatchUp() = 0;

 private:
  // The narrower interfaces beside this one reach the store through these
  // (callers use those headers, not these).
  friend class GuardRows;        // guard_rows.h
  friend class CheckpointStore;  // checkpoint_store.h
  friend class BorrowedStore;    // borrowed_store.h forwards them
  virtual absl::StatusOr<std::string> GetGuardState(const std::string& key) const = 0;
  virtual absl::Status ScanGuardStates(
      const std::function<bool(const std::string& key, const std::string& bytes, uint64_t bound_seq)>& visit)
      const = 0;
  // The hash of the event at `seq` when it is present and reads back
  // intact; nullopt when it is absent or damaged.
  virtual absl::StatusOr<std::optional<std::string>> IntactHashAt(uint64_t seq) const = 0;
  // Where checkpoints of this store go (the store's directory, Env, file
  // modes and warning sink).
  virtual CheckpointPlace checkpoint_place() const = 0;
};

// Opens the store in `dir` as a reader (a RocksDB secondary instance in
// <store>/readers/): never takes the writer's lock and never writes the
// log, so it neither waits for nor holds back writers; CatchUp() sees
// events appended since. Checkpoints can still be written.
// options.create_if_missing is ignored. DataLoss, naming the file and the
// events, when a write-ahead log is damaged.
absl::StatusOr<std::unique_ptr<EventStore>> OpenEventReader(const std::string& dir,
                                                            const StoreOptions& options);

}  // namespace orch

#endif  // ORCH_EVENTSTORE_EVENT_STORE_H_

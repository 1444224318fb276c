// EventStore: orch's append-only event log.
//
// A narrow interface in the spirit of LevelDB's DB: opened by a factory,
// every call returns absl::Status. The RocksDB implementation lives in
// rocksdb_event_store.cc; nothing outside eventstore/ includes it.
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
#include "eventstore/logged_event.h"

namespace orch {

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
  // Open as a reader (a RocksDB secondary instance in <store>/readers/):
  // never takes the writer's lock and never writes the log, so it neither
  // waits for nor holds back writers; Append fails; CatchUp() sees events
  // appended since. Checkpoints can still be written.
  bool follower = false;
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
  // Tests: called with the queue's length each time an Append joins the
  // writers' queue (under the queue's lock: must not call the store).
  std::function<void(size_t queued)> on_writer_queued;
};

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

class EventStore;

// What an AppendGuard decided about a batch.
struct GuardOutcome {
  // One per pending event: "" when the step is legal; otherwise the text is
  // stored with the event as its anomaly.
  std::vector<std::string> anomalies;
  // Rows the guard keeps for itself (key -> value), written in the same
  // atomic batch as the events: a summary it can start from next time
  // instead of re-reading history. Read back with EventStore::GetGuardState.
  std::vector<std::pair<std::string, std::string>> state;
};

// Checks a batch against what the log already holds, under the append lock,
// so nothing can slip in between check and write (lifecycle rules live in
// projections/ and plug in here). An error refuses the whole batch.
class AppendGuard {
 public:
  virtual ~AppendGuard() = default;
  virtual absl::StatusOr<GuardOutcome> Check(const EventStore& store,
                                             const std::vector<LoggedEvent>& pending) = 0;
  // Whether this guard's Check of a batch depends on a task-less event of
  // `type` that another caller appends (e.g. a project-level event that
  // changes every task). The store commits concurrent batches in one group
  // only when no check depends on another's events (see Append); true, the
  // default, is always safe.
  virtual bool ReadsProjectEvent(EventType type) const { return true; }
  // Whether this guard's Check of an event of `type` reads the whole log
  // (other tasks, project settings): a batch holding one is then checked
  // in a group of its own, after everything queued before it is written.
  virtual bool ReadsWholeLog(EventType type) const { return false; }
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

class EventStore {
 public:
  // Opens the store in `dir`. A writer waits up to options.lock_timeout
  // for another writer to finish; a reader never waits. DataLoss, naming
  // the file and the events, when a write-ahead log is damaged.
  static absl::StatusOr<std::unique_ptr<EventStore>> Open(const std::string& dir,
                                                          const StoreOptions& options);

  // The explicit repair of a store whose write-ahead log is damaged: keeps
  // a copy of the damaged logs in <dir>/damaged/, replays every intact
  // record (including intact records RocksDB would drop after a bad one),
  // and appends a store-recovered event naming the lost sequence numbers,
  // which are never reused. Afterwards the store opens, appends and
  // verifies (Verify reports the acknowledged loss). Takes the writer's
  // lock like Open. A store without damage is left as it is.
  static absl::StatusOr<RecoveryReport> Recover(const std::string& dir, const StoreOptions& options);
  virtual ~EventStore() = default;

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

  // A row an AppendGuard stored with an earlier batch; NotFound if none.
  // Each row is bound to the chain: stored with the seq and hash of the head
  // after its batch, and returned only while the event at that seq still
  // has that hash (a row that is not, or names a seq beyond the head, is
  // NotFound: the guard refolds from the log).
  // WARNING: a guard must still treat it as a hint and fold the log after
  // it: events appended without the guard have no row; and a binding only
  // proves which head a row claims, not that its content was derived from
  // it (`orch verify` recomputes rows to prove that).
  virtual absl::StatusOr<std::string> GetGuardState(const std::string& key) const = 0;
  // Visits every guard row in key order until `visit` returns false, with
  // the seq it is bound to; a row whose binding does not hold is visited
  // with bound_seq 0 and its stored bytes as they are.
  virtual absl::Status ScanGuardStates(
      const std::function<bool(const std::string& key, const std::string& bytes, uint64_t bound_seq)>& visit)
      const = 0;

  // Projection checkpoints: opaque snapshots of a folded model at a
  // sequence, kept per name as files in <store>/checkpoints/ (readers may
  // write them too). Each is bound to the chain: it records the hash of
  // the event at its seq. Written atomically and synced; never part of the
  // chain. Names are [A-Za-z0-9_-]+ (InvalidArgument otherwise);
  // NotFound when `seq` is not in the log.
  virtual absl::Status PutCheckpoint(const std::string& name, uint64_t seq, const std::string& bytes) = 0;
  // The newest checkpoint of `name` at or before `max_seq` whose recorded
  // hash matches the log's event at its seq; NotFound if none. A checkpoint
  // that is unreadable or does not match is skipped with a warning
  // (StoreOptions::warn).
  virtual absl::StatusOr<std::pair<uint64_t, std::string>> GetCheckpoint(const std::string& name,
                                                                         uint64_t max_seq) const = 0;
  // The seqs of the checkpoints of `name` on disk, ascending, matching or
  // not (GetCheckpoint(name, seq) tells whether one is usable).
  virtual absl::StatusOr<std::vector<uint64_t>> ListCheckpoints(const std::string& name) const = 0;
  // Deletes the checkpoints of `name` older than `before_seq` except the
  // newest `keep` of them (so time travel still finds an earlier start).
  virtual absl::Status PruneCheckpoints(const std::string& name, uint64_t before_seq, size_t keep) = 0;

  // Readers only: sees events appended by the writer since.
  virtual absl::Status CatchUp() = 0;

  // Writers only: another process is queued for the writer's lock (a
  // long-lived owner, `orch serve`, steps aside for it). Thread-safe.
  virtual bool OtherWriterWaiting() const { return false; }
};

}  // namespace orch

#endif  // ORCH_EVENTSTORE_EVENT_STORE_H_

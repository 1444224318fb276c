// CheckpointStore: projection checkpoints, opaque snapshots of a folded
// model at a sequence, kept per name as files beside the log, so a reader
// can keep them without the writer's lock. Never part of the chain.
//
//   <store>/checkpoints/<name>.<seq, 20 digits>
//   file = "ORCHCKP1" seq(8) event-hash(32) sha256(payload)(32) payload
//
// event-hash is the hash of the log's event at seq: the checkpoint is bound
// to the chain it was folded from (checked on every read). Files are written
// atomically and synced (atomic_file.h, WriteFileAtomically). Thread-safe;
// many processes may write and prune at once (the last rename wins, and
// every writer of one name and seq writes the same fold).
#ifndef ORCH_EVENTSTORE_CHECKPOINT_STORE_H_
#define ORCH_EVENTSTORE_CHECKPOINT_STORE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "eventstore/env.h"
#include "eventstore/event_store.h"

namespace orch {

// Where a store keeps its checkpoints, and how it writes them.
struct CheckpointPlace {
  Env* env = nullptr;     // not owned
  std::string store_dir;  // holds checkpoints/ (created on first Put)
  uint32_t file_mode = 0600;
  uint32_t dir_mode = 0700;
  std::function<void(const std::string&)> warn;  // may be unset
};

class CheckpointStore {
 public:
  // The checkpoints of `log` (not owned; must outlive this), in its
  // directory, with its Env and warnings (StoreOptions::warn).
  explicit CheckpointStore(const EventStore& log);
  CheckpointStore(const EventStore& log, CheckpointPlace place);

  // Writes `bytes` as the checkpoint of `name` at `seq`. Names are
  // [A-Za-z0-9_-]+ (InvalidArgument otherwise); NotFound when `seq` is not
  // in the log. A reader may write checkpoints too.
  absl::Status Put(const std::string& name, uint64_t seq, const std::string& bytes) const;
  // The newest checkpoint of `name` at or before `max_seq` whose recorded
  // hash matches the log's event at its seq; NotFound if none. A checkpoint
  // that is unreadable or does not match is skipped with a warning.
  absl::StatusOr<std::pair<uint64_t, std::string>> Get(const std::string& name, uint64_t max_seq) const;
  // The seqs of the checkpoints of `name` on disk, ascending, matching or
  // not (Get(name, seq) tells whether one is usable). Empty when none.
  absl::StatusOr<std::vector<uint64_t>> List(const std::string& name) const;
  // Deletes the checkpoints of `name` older than `before_seq` except the
  // newest `keep` of them (so time travel still finds an earlier start).
  absl::Status Prune(const std::string& name, uint64_t before_seq, size_t keep) const;

  // Recovery (store_recovery.h): removes every checkpoint, of any name, at
  // `seq` or later from the store in `store_dir`.
  static absl::Status RemoveFrom(Env& env, const std::string& store_dir, uint64_t seq);

 private:
  struct File {
    uint64_t seq = 0;
    std::string event_hash;  // raw 32 bytes
    std::string bytes;       // the caller's payload
  };
  // DataLoss when the file is cut short or its payload does not match its
  // digest; NotFound when it is gone (pruned meanwhile).
  absl::StatusOr<File> ReadFile(const std::string& name, uint64_t seq) const;
  std::string PathOf(const std::string& name, uint64_t seq) const;

  const EventStore& log_;
  const CheckpointPlace place_;
  const std::string dir_;  // <store>/checkpoints
};

}  // namespace orch

#endif  // ORCH_EVENTSTORE_CHECKPOINT_STORE_H_

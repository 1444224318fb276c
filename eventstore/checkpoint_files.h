// Projection checkpoints as files beside the log, so a reader can keep
// them without the writer's lock.
//
//   <store>/checkpoints/<name>.<seq, 20 digits>
//   file = "ORCHCKP1" seq(8) event-hash(32) sha256(payload)(32) payload
//
// event-hash is the hash of the log's event at seq: the checkpoint is bound
// to the chain it was folded from (the store checks it on every read).
// Files are written atomically (atomic_file.h, WriteFileAtomically). Thread-safe;
// many processes may write and prune at once (the last rename wins, and
// every writer of one name and seq writes the same fold).
#ifndef ORCH_EVENTSTORE_CHECKPOINT_FILES_H_
#define ORCH_EVENTSTORE_CHECKPOINT_FILES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "eventstore/env.h"

namespace orch {

struct CheckpointFile {
  uint64_t seq = 0;
  std::string event_hash;  // raw 32 bytes
  std::string bytes;       // the caller's payload
};

class CheckpointFiles {
 public:
  // `store_dir` holds the checkpoints/ directory (created on first Put
  // with `dir_mode`; files get `file_mode`). `env` is not owned.
  CheckpointFiles(Env* env, std::string store_dir, uint32_t file_mode, uint32_t dir_mode);

  // InvalidArgument for a name outside [A-Za-z0-9_-]+ (it becomes a path).
  absl::Status Put(const std::string& name, uint64_t seq, const std::string& event_hash,
                   const std::string& bytes);
  // The seqs of `name` on disk, ascending. Empty when there are none.
  absl::StatusOr<std::vector<uint64_t>> List(const std::string& name) const;
  // DataLoss when the file is cut short or its payload does not match its
  // digest; NotFound when it is gone (pruned meanwhile).
  absl::StatusOr<CheckpointFile> Read(const std::string& name, uint64_t seq) const;
  // Removes the files of `name` older than `before_seq` except the newest
  // `keep` of them.
  absl::Status Prune(const std::string& name, uint64_t before_seq, size_t keep);

  // Removes every checkpoint, of any name, at `seq` or later.
  absl::Status RemoveFrom(uint64_t seq);

  std::string PathOf(const std::string& name, uint64_t seq) const;

 private:
  Env* const env_;
  const std::string dir_;  // <store>/checkpoints
  const std::string store_dir_;
  const uint32_t file_mode_;
  const uint32_t dir_mode_;
};

}  // namespace orch

#endif  // ORCH_EVENTSTORE_CHECKPOINT_FILES_H_

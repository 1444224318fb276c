// The store directory: who may read it, and the places orch keeps beside
// RocksDB's files.
//
//   <store>/                 0700 (0770 + setgid with --shared-group)
//     writer.lock            writers queue on it (fcntl OFD lock)
//     checkpoints/           projection checkpoints (checkpoint_store.h)
//     readers/<pid>.<tag>/   one RocksDB secondary instance per reader
//     damaged/<time>/        copies of damaged logs kept by `orch recover`
//     CURRENT, MANIFEST-*, *.log, *.sst, OPTIONS-*, IDENTITY, LOCK: RocksDB
#ifndef ORCH_EVENTSTORE_STORE_DIR_H_
#define ORCH_EVENTSTORE_STORE_DIR_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "eventstore/env.h"

namespace orch {

inline constexpr char kWriterLockFile[] = "writer.lock";

struct StoreModes {
  uint32_t file_mode = 0600;
  uint32_t dir_mode = 0700;
};

// Creates `dir` (0700, or 02770 when `shared_group`) if `create` and it is
// missing, then returns the modes its files and subdirectories get: group
// ones when the directory is group-writable. FailedPrecondition when the
// store is missing and `create` is false.
absl::StatusOr<StoreModes> PrepareStoreDir(Env& env, const std::string& dir, bool create, bool shared_group);

// A fresh directory for one reader's RocksDB secondary instance, under
// <dir>/readers/. Directories left by readers that died (killed) are
// removed first.
absl::StatusOr<std::string> MakeReaderDir(Env& env, const std::string& dir, const StoreModes& modes);

// Removes a directory tree, ignoring errors (best effort clean-up).
void RemoveTree(const std::string& path);

}  // namespace orch

#endif  // ORCH_EVENTSTORE_STORE_DIR_H_

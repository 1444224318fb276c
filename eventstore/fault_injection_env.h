// FaultInjectionEnv: an Env for tests that makes the next write or sync
// fail, runs out of space, and simulates a crash that loses everything not
// yet synced (in the manner of LevelDB's fault_injection_test.cc). Every
// file the store writes, RocksDB's log included, comes through it.
//
// A crash is simulated in two steps, as the power going out would: first
// SetFilesystemActive(false) (from then on every write, sync, rename and
// removal fails, as if the process had died), then, once the store is
// closed, DropUnsyncedData(): each file written through this Env is cut
// back to its last synced size, a file created since its directory was last
// synced is removed, and a rename not yet made durable by a directory sync
// is undone (the file it replaced is put back; an exchange of two entries is
// swapped back; a directory's files move with it). Unsynced removals and
// directory creations are not undone. Thread-safe.
#ifndef ORCH_EVENTSTORE_FAULT_INJECTION_ENV_H_
#define ORCH_EVENTSTORE_FAULT_INJECTION_ENV_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "eventstore/env.h"
#include "eventstore/env_testing.h"

namespace orch {

class FaultInjectionEnv : public EnvWrapper {
 public:
  // `target` (not owned) does the real work: SystemEnv, or a FakeEnv.
  explicit FaultInjectionEnv(Env* target) : EnvWrapper(target) {}

  // The next Append to a file whose path contains `path_part` fails with
  // EIO (before writing anything).
  void FailNextWrite(const std::string& path_part = "");
  // The next Sync/Fsync of such a file fails with EIO (the data stays
  // written but unsynced).
  void FailNextSync(const std::string& path_part = "");
  // While on: every Append fails with ENOSPC and FreeSpace reports
  // `free_bytes`.
  void SetNoSpace(bool on, uint64_t free_bytes = 0);
  // Off: every write, sync, rename, creation and removal fails (EIO).
  void SetFilesystemActive(bool active);
  // See above. Call with the store closed.
  absl::Status DropUnsyncedData();
  // How many injected failures were returned so far.
  int injected() const;

  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                                const WritableFileOptions& options) override;
  absl::Status RenameFile(const std::string& from, const std::string& to) override;
  absl::Status RemoveFile(const std::string& path) override;
  absl::Status RenameNoReplace(const std::string& from, const std::string& to) override;
  absl::Status ExchangeEntries(const std::string& a, const std::string& b) override;
  absl::Status RemoveTree(const std::string& path) override;
  absl::Status CreateDir(const std::string& path, uint32_t mode) override;
  absl::Status SyncDir(const std::string& path) override;
  absl::StatusOr<uint64_t> FreeSpace(const std::string& path) override;

 private:
  friend class FaultWritableFile;
  struct FileState {
    uint64_t size = 0;
    uint64_t synced = 0;
    bool name_durable = true;  // false: created or renamed here since the last sync of its directory
  };
  struct PendingRename {
    std::string from, to;
    std::optional<std::string> replaced;  // what `to` held before (RenameFile)
    bool exchange = false;                // ExchangeEntries: `from` holds what `to` held
  };

  // Why an operation on `path` must fail now, or OK.
  absl::Status Injected(const std::string& what, const std::string& path, std::optional<std::string>* armed);
  absl::Status OnAppend(const std::string& path, uint64_t bytes);
  absl::Status OnSync(const std::string& path);
  void OnTruncate(const std::string& path, uint64_t size);
  // Moves the state of `from` and of everything under it to `to`; with
  // `swap`, that of `to` to `from` as well. Requires mu_.
  void MoveStateLocked(const std::string& from, const std::string& to, bool swap);

  mutable std::mutex mu_;
  std::optional<std::string> fail_write_, fail_sync_;  // armed with a path part
  bool no_space_ = false;
  uint64_t free_bytes_ = 0;
  bool active_ = true;
  int injected_ = 0;
  std::map<std::string, FileState> files_;  // by current path
  std::vector<PendingRename> renames_;      // oldest first
};

}  // namespace orch

#endif  // ORCH_EVENTSTORE_FAULT_INJECTION_ENV_H_

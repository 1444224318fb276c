// SystemEnv: the Env of the real world (posix_env.cc): the system clock,
// real sleeps and POSIX files. The binaries create one; libraries only see
// the Env interface (env.h).
#ifndef ORCH_EVENTSTORE_POSIX_ENV_H_
#define ORCH_EVENTSTORE_POSIX_ENV_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "eventstore/env.h"

namespace orch {

// The real clock, sleep and POSIX files. Stateless; safe from any thread.
class SystemEnv : public Env {
 public:
  int64_t NowNanos() override;
  void SleepForMicros(int64_t micros) override;
  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                                const WritableFileOptions& options) override;
  absl::StatusOr<std::string> ReadFile(const std::string& path) override;
  absl::Status RenameFile(const std::string& from, const std::string& to) override;
  absl::Status RemoveFile(const std::string& path) override;
  absl::Status CreateDir(const std::string& path, uint32_t mode) override;
  absl::Status SyncDir(const std::string& path) override;
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& path) override;
  absl::StatusOr<uint64_t> FreeSpace(const std::string& path) override;
  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path, uint32_t mode,
                                                     absl::Duration timeout) override;
  absl::StatusOr<EntryInfo> StatEntry(const std::string& path) override;
  absl::StatusOr<std::string> ReadFileNoFollow(const std::string& path, size_t max_bytes) override;
  absl::Status RenameNoReplace(const std::string& from, const std::string& to) override;
  absl::Status ExchangeEntries(const std::string& a, const std::string& b) override;
  absl::Status RemoveTree(const std::string& path) override;
  absl::StatusOr<std::unique_ptr<FileLock>> TryLockEntry(const std::string& path) override;
};

}  // namespace orch

#endif  // ORCH_EVENTSTORE_POSIX_ENV_H_

// Env doubles for tests: EnvWrapper (forward everything, override what
// differs; also the base of FaultInjectionEnv) and FakeEnv (a clock that
// moves only when told). Not part of the store's public interface.
#ifndef ORCH_EVENTSTORE_ENV_TESTING_H_
#define ORCH_EVENTSTORE_ENV_TESTING_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "eventstore/env.h"
#include "eventstore/posix_env.h"

namespace orch {

// Forwards everything to `target` (not owned); override what differs.
class EnvWrapper : public Env {
 public:
  explicit EnvWrapper(Env* target) : target_(target) {}
  Env* target() const { return target_; }

  int64_t NowNanos() override { return target_->NowNanos(); }
  void SleepForMicros(int64_t micros) override { target_->SleepForMicros(micros); }
  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path,
                                                                const WritableFileOptions& options) override {
    return target_->NewWritableFile(path, options);
  }
  absl::StatusOr<std::string> ReadFile(const std::string& path) override { return target_->ReadFile(path); }
  absl::Status RenameFile(const std::string& from, const std::string& to) override {
    return target_->RenameFile(from, to);
  }
  absl::Status RemoveFile(const std::string& path) override { return target_->RemoveFile(path); }
  absl::Status CreateDir(const std::string& path, uint32_t mode) override {
    return target_->CreateDir(path, mode);
  }
  absl::Status SyncDir(const std::string& path) override { return target_->SyncDir(path); }
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& path) override {
    return target_->ListDir(path);
  }
  absl::StatusOr<uint64_t> FreeSpace(const std::string& path) override { return target_->FreeSpace(path); }
  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path, uint32_t mode,
                                                     absl::Duration timeout) override {
    return target_->LockFile(path, mode, timeout);
  }
  absl::StatusOr<EntryInfo> StatEntry(const std::string& path) override { return target_->StatEntry(path); }
  absl::StatusOr<std::string> ReadFileNoFollow(const std::string& path, size_t max_bytes) override {
    return target_->ReadFileNoFollow(path, max_bytes);
  }
  absl::Status RenameNoReplace(const std::string& from, const std::string& to) override {
    return target_->RenameNoReplace(from, to);
  }
  absl::Status ExchangeEntries(const std::string& a, const std::string& b) override {
    return target_->ExchangeEntries(a, b);
  }
  absl::Status RemoveTree(const std::string& path) override { return target_->RemoveTree(path); }
  absl::StatusOr<std::unique_ptr<FileLock>> TryLockEntry(const std::string& path) override {
    return target_->TryLockEntry(path);
  }

 private:
  Env* const target_;
};

// A clock that moves only when told; sleeping advances it. Real files.
// Thread-safe.
class FakeEnv : public EnvWrapper {
 public:
  explicit FakeEnv(int64_t start_nanos) : EnvWrapper(&system_), now_(start_nanos) {}
  int64_t NowNanos() override { return now_.load(); }
  void SleepForMicros(int64_t micros) override { now_ += micros * 1000; }
  void Advance(int64_t nanos) { now_ += nanos; }
  void Set(int64_t nanos) { now_ = nanos; }

 private:
  SystemEnv system_;
  std::atomic<int64_t> now_;
};

}  // namespace orch

#endif  // ORCH_EVENTSTORE_ENV_TESTING_H_

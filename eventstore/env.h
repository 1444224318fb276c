// Env: the seam between the store and the world it cannot control.
//
// Like LevelDB's Env, everything time-dependent and every file the store
// writes goes through it, so tests can pin the clock, make waiting
// instantaneous, and fail or drop writes (fault_injection_env.h). RocksDB's
// own writes come through here too (rocksdb_file_system.h), so a fault
// injected here reaches the log itself.
//
// Status codes of the file operations (ErrnoStatus in env.cc):
//   ResourceExhausted   no space left (ENOSPC, EDQUOT): "disk full: ..."
//   FailedPrecondition  not allowed (EACCES, EPERM, EROFS): the store cannot
//                       be used by this process as it is
//   NotFound            no such file or directory
//   AlreadyExists       an exclusive create found the name taken
//   Unavailable         any other I/O error (EIO, ...)
//   DeadlineExceeded    LockFile only: still held by another process
// Every message names the path and the errno (e.g. "Permission denied
// (EACCES)").
#ifndef ORCH_EVENTSTORE_ENV_H_
#define ORCH_EVENTSTORE_ENV_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace orch {

// A file being written. Not thread-safe: one writer at a time.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual absl::Status Append(absl::string_view data) = 0;
  // Makes everything appended so far durable (fdatasync).
  virtual absl::Status Sync() = 0;
  // Like Sync, and the file's metadata too (fsync).
  virtual absl::Status Fsync() = 0;
  // Shrinks (or grows with zeros) the file to `size` bytes.
  virtual absl::Status Truncate(uint64_t size) = 0;
  // Closes the descriptor; further calls fail. The destructor closes too.
  virtual absl::Status Close() = 0;
  // Bytes appended so far, including what the file held when reopened.
  virtual uint64_t Size() const = 0;
};

// An exclusive lock on a file; released when destroyed.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

struct WritableFileOptions {
  // For a file this call creates; group bits are set exactly (a shared
  // store's umask would strip them), otherwise the umask applies.
  uint32_t mode = 0600;
  // O_EXCL | O_NOFOLLOW: fail with AlreadyExists when the name is taken,
  // never follow a planted symlink (temporary files).
  bool exclusive = false;
  // Keep the contents and write at the end (RocksDB's ReopenWritableFile);
  // otherwise the file is truncated.
  bool append = false;
};

class Env {
 public:
  virtual ~Env() = default;

  // Wall-clock time, nanoseconds since the Unix epoch (UTC).
  virtual int64_t NowNanos() = 0;
  // Blocks the calling thread.
  virtual void SleepForMicros(int64_t micros) = 0;

  // --- files (all thread-safe) ---
  virtual absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path, const WritableFileOptions& options) = 0;
  // The whole file.
  virtual absl::StatusOr<std::string> ReadFile(const std::string& path) = 0;
  // Atomically replaces `to` (POSIX rename).
  virtual absl::Status RenameFile(const std::string& from, const std::string& to) = 0;
  virtual absl::Status RemoveFile(const std::string& path) = 0;
  // Creates one directory with `mode` exactly (umask does not apply, so
  // setgid and group bits survive); AlreadyExists when present.
  virtual absl::Status CreateDir(const std::string& path, uint32_t mode) = 0;
  // Makes the directory's entries durable (creations, renames, removals).
  virtual absl::Status SyncDir(const std::string& path) = 0;
  // Names in `path`, without "." and "..", in no particular order.
  virtual absl::StatusOr<std::vector<std::string>> ListDir(const std::string& path) = 0;
  // Bytes an unprivileged writer may still use on the filesystem of `path`.
  virtual absl::StatusOr<uint64_t> FreeSpace(const std::string& path) = 0;
  // Takes an exclusive lock on `path` (created with `mode` if missing),
  // waiting at most `timeout` for another process to release it; waiters
  // are woken by the release itself, not by polling. DeadlineExceeded when
  // the time is up.
  virtual absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path, uint32_t mode,
                                                             absl::Duration timeout) = 0;
};

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
};

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

// The Status for a failed system call: `what` and `path` start the
// message, then strerror and the errno's name; the code as listed above.
absl::Status ErrnoStatus(absl::string_view what, absl::string_view path, int err);

// Writes `content` to `path` atomically for readers and durably: a
// temporary file beside it (O_EXCL | O_NOFOLLOW, `mode`), synced, renamed
// over `path`, and the directory synced. On error the temporary file is
// removed and `path` is as it was.
absl::Status WriteFileAtomically(Env& env, const std::string& path, absl::string_view content,
                                 uint32_t mode = 0600);

}  // namespace orch

#endif  // ORCH_EVENTSTORE_ENV_H_

// Env: the seam between orch and the world it cannot control.
//
// Like LevelDB's Env, everything time-dependent and every file orch writes
// goes through it, so tests can pin the clock, make waiting instantaneous,
// and fail or drop writes (fault_injection_env.h): the store's own files
// (checkpoints, locks, recovery copies), RocksDB's (rocksdb_file_system.h,
// so a fault injected here reaches the log itself), and the exports'
// (`--out` files and `orch export --dir`, atomic_file.h).
//
// Status codes of the file operations: ErrnoStatus (base/errno_status.h),
// one mapping for every layer:
//   ResourceExhausted   no space left (ENOSPC, EDQUOT): "disk full: ..."
//   FailedPrecondition  not allowed (EACCES, EPERM, EROFS)
//   NotFound            no such file or directory (ENOENT, ENOTDIR)
//   InvalidArgument     the path names something unusable (EISDIR, ELOOP,
//                       ENAMETOOLONG)
//   AlreadyExists       an exclusive create found the name taken
//   Unavailable         any other I/O error (EIO, ...)
//   DeadlineExceeded    LockFile, TryLockEntry: held by another process
// Every message names the path and the errno (e.g. "Permission denied
// (EACCES)").
#ifndef ORCH_EVENTSTORE_ENV_H_
#define ORCH_EVENTSTORE_ENV_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/errno_status.h"
#include "eventstore/file_lock.h"

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

// What a directory entry itself is (a symbolic link is not followed).
struct EntryInfo {
  enum class Kind { kRegular, kDirectory, kSymlink, kOther };
  Kind kind = Kind::kOther;
  uint32_t uid = 0;  // the owner
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
  // The umask applies to `mode` whatever it holds, as open(2) does: files
  // made for the user (exports), not for a shared store.
  bool umask_applies = false;
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

  // --- entries: what replacing a file or directory safely needs (the
  // exports, atomic_file.h). All thread-safe. ---
  // The entry at `path` itself (lstat: a symbolic link is reported, not
  // followed). NotFound when there is none.
  virtual absl::StatusOr<EntryInfo> StatEntry(const std::string& path) = 0;
  // At most `max_bytes` of the regular file at `path` itself: a symbolic
  // link there fails (ELOOP, InvalidArgument), and a FIFO or device is
  // never waited on.
  virtual absl::StatusOr<std::string> ReadFileNoFollow(const std::string& path, size_t max_bytes) = 0;
  // Renames the file or directory `from` to `to` only if nothing is at
  // `to` (renameat2 RENAME_NOREPLACE): AlreadyExists when something is.
  virtual absl::Status RenameNoReplace(const std::string& from, const std::string& to) = 0;
  // Swaps the entries `a` and `b` (files or directories; both must exist)
  // in one atomic step (renameat2 RENAME_EXCHANGE). Unimplemented when the
  // file system cannot.
  virtual absl::Status ExchangeEntries(const std::string& a, const std::string& b) = 0;
  // Removes the directory `path` with the files and links directly in it,
  // following no link (a link at `path` is removed as a link). A
  // subdirectory in it, which orch never creates there, is left, and the
  // directory with it: Unavailable (ENOTEMPTY). NotFound when nothing is at
  // `path`.
  virtual absl::Status RemoveTree(const std::string& path) = 0;
  // Takes an exclusive flock on the existing regular file or directory at
  // `path` (no link followed), without waiting: DeadlineExceeded when
  // another process holds one. Held until the FileLock is destroyed, or
  // the process dies (even by SIGKILL): so a writer marks the temporary
  // entry it is working on as alive, and a sweeper removes only dead ones.
  virtual absl::StatusOr<std::unique_ptr<FileLock>> TryLockEntry(const std::string& path) = 0;
};

}  // namespace orch

#endif  // ORCH_EVENTSTORE_ENV_H_

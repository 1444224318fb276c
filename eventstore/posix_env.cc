// SystemEnv: the clock and POSIX files.
#include "eventstore/posix_env.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "eventstore/fair_file_lock.h"

namespace orch {

namespace {

class PosixWritableFile : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  absl::Status Append(absl::string_view data) override {
    if (fd_ < 0) return absl::FailedPreconditionError(absl::StrCat("write ", path_, ": file is closed"));
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoStatus("write", path_, errno);
      data.remove_prefix(static_cast<size_t>(n));
      size_ += static_cast<uint64_t>(n);
    }
    return absl::OkStatus();
  }
  absl::Status Sync() override {
    if (::fdatasync(fd_) != 0) return ErrnoStatus("sync", path_, errno);
    return absl::OkStatus();
  }
  absl::Status Fsync() override {
    if (::fsync(fd_) != 0) return ErrnoStatus("sync", path_, errno);
    return absl::OkStatus();
  }
  absl::Status Truncate(uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return ErrnoStatus("truncate", path_, errno);
    if (::lseek(fd_, static_cast<off_t>(size), SEEK_SET) < 0) return ErrnoStatus("seek", path_, errno);
    size_ = size;
    return absl::OkStatus();
  }
  absl::Status Close() override {
    if (fd_ < 0) return absl::OkStatus();
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) return ErrnoStatus("close", path_, errno);
    return absl::OkStatus();
  }
  uint64_t Size() const override { return size_; }

 private:
  const std::string path_;
  int fd_;
  uint64_t size_;
};

// open(2) that creates the file with `mode` exactly: the umask would strip
// the group bits of a shared store. Only a file this call creates gets the
// mode (another member's file keeps its own). -1 and errno on failure.
int OpenCreating(const std::string& path, int flags, bool exclusive, uint32_t mode,
                 bool umask_applies = false) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd >= 0) {
    if (!umask_applies && (mode & 0070) != 0 && ::fchmod(fd, mode) != 0) {
      const int err = errno;
      ::close(fd);
      errno = err;
      return -1;
    }
    return fd;
  }
  if (errno != EEXIST || exclusive) return -1;
  do {
    fd = ::open(path.c_str(), flags, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

// Reads the open `fd` (then closes it) up to `max_bytes`: the one read
// loop of ReadFile and ReadFileNoFollow.
absl::StatusOr<std::string> ReadAndClose(int fd, const std::string& path, size_t max_bytes) {
  std::string out;
  char buf[65536];
  while (out.size() < max_bytes) {
    const ssize_t n = ::read(fd, buf, std::min(sizeof(buf), max_bytes - out.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status s = ErrnoStatus("cannot read", path, errno);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace

int64_t SystemEnv::NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SystemEnv::SleepForMicros(int64_t micros) {
  std::this_thread::sleep_for(std::chrono::microseconds(micros));
}

absl::StatusOr<std::unique_ptr<WritableFile>> SystemEnv::NewWritableFile(const std::string& path,
                                                                         const WritableFileOptions& o) {
  const int flags = O_WRONLY | O_CLOEXEC | (o.append ? O_APPEND : O_TRUNC);
  int fd = OpenCreating(path, flags, o.exclusive, o.mode, o.umask_applies);
  if (fd < 0) return ErrnoStatus("cannot create", path, errno);
  uint64_t size = 0;
  if (o.append) {
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      absl::Status s = ErrnoStatus("stat", path, errno);
      ::close(fd);
      return s;
    }
    size = static_cast<uint64_t>(st.st_size);
  }
  return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd, size));
}

absl::StatusOr<std::string> SystemEnv::ReadFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot read", path, errno);
  return ReadAndClose(fd, path, std::numeric_limits<size_t>::max());
}

absl::Status SystemEnv::RenameFile(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    return ErrnoStatus(absl::StrCat("rename ", from, " to"), to, errno);
  return absl::OkStatus();
}

absl::Status SystemEnv::RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return ErrnoStatus("remove", path, errno);
  return absl::OkStatus();
}

absl::Status SystemEnv::CreateDir(const std::string& path, uint32_t mode) {
  if (::mkdir(path.c_str(), mode & 0777) != 0) return ErrnoStatus("cannot create directory", path, errno);
  // mkdir applies the umask and ignores setgid on some systems: set the
  // mode the caller asked for.
  if (::chmod(path.c_str(), mode) != 0) return ErrnoStatus("chmod", path, errno);
  return absl::OkStatus();
}

absl::Status SystemEnv::SyncDir(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open directory", path, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus("sync directory", path, err);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> SystemEnv::ListDir(const std::string& path) {
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) return ErrnoStatus("list", path, errno);
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    names.emplace_back(e->d_name);
  }
  ::closedir(d);
  return names;
}

absl::StatusOr<uint64_t> SystemEnv::FreeSpace(const std::string& path) {
  struct statvfs st;
  if (::statvfs(path.c_str(), &st) != 0) return ErrnoStatus("statvfs", path, errno);
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

absl::StatusOr<std::unique_ptr<FileLock>> SystemEnv::LockFile(const std::string& path, uint32_t mode,
                                                              absl::Duration timeout) {
  const int fd = OpenCreating(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW, /*exclusive=*/false, mode);
  if (fd < 0) return ErrnoStatus("cannot open lock file", path, errno);
  return AcquireFairLock(fd, path, timeout);
}

namespace {

// A lock held through an open descriptor; closing it releases the flock.
class FdLock : public FileLock {
 public:
  explicit FdLock(int fd) : fd_(fd) {}
  ~FdLock() override { ::close(fd_); }

 private:
  const int fd_;
};

// The parent directory and last name of `path`, for the *at calls.
std::pair<std::string, std::string> SplitLast(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

}  // namespace

absl::StatusOr<EntryInfo> SystemEnv::StatEntry(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return ErrnoStatus("cannot inspect", path, errno);
  EntryInfo info;
  info.uid = st.st_uid;
  if (S_ISREG(st.st_mode)) {
    info.kind = EntryInfo::Kind::kRegular;
  } else if (S_ISDIR(st.st_mode)) {
    info.kind = EntryInfo::Kind::kDirectory;
  } else if (S_ISLNK(st.st_mode)) {
    info.kind = EntryInfo::Kind::kSymlink;
  }
  return info;
}

absl::StatusOr<std::string> SystemEnv::ReadFileNoFollow(const std::string& path, size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot read", path, errno);
  return ReadAndClose(fd, path, max_bytes);
}

absl::Status SystemEnv::RenameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
    return ErrnoStatus(absl::StrCat("cannot rename ", from, " to"), to, errno);
  }
  return absl::OkStatus();
}

absl::Status SystemEnv::ExchangeEntries(const std::string& a, const std::string& b) {
  if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) != 0) {
    const int err = errno;
    if (err == EINVAL || err == ENOSYS || err == ENOTSUP) {
      return absl::UnimplementedError(absl::StrCat("the file system of ", b,
                                                   " cannot exchange two entries atomically "
                                                   "(renameat2 RENAME_EXCHANGE): ",
                                                   std::strerror(err)));
    }
    return ErrnoStatus(absl::StrCat("cannot exchange ", a, " and"), b, err);
  }
  return absl::OkStatus();
}

absl::Status SystemEnv::RemoveTree(const std::string& path) {
  const auto [parent, name] = SplitLast(path);
  const int parent_fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent_fd < 0) return ErrnoStatus("cannot open directory", parent, errno);
  // Everything relative to descriptors opened without following a link: a
  // link swapped in for the directory is unlinked itself, never entered.
  const int fd = ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    absl::Status s = absl::OkStatus();
    if (err == ENOTDIR || err == ELOOP) {  // a file or a link: that entry only
      if (::unlinkat(parent_fd, name.c_str(), 0) != 0) s = ErrnoStatus("cannot remove", path, errno);
    } else {
      s = ErrnoStatus("cannot open directory", path, err);
    }
    ::close(parent_fd);
    return s;
  }
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    const int err = errno;
    ::close(fd);
    ::close(parent_fd);
    return ErrnoStatus("cannot read directory", path, err);
  }
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
  }
  absl::Status s = absl::OkStatus();
  for (const std::string& n : names) {
    if (::unlinkat(::dirfd(d), n.c_str(), 0) != 0 && errno != ENOENT && s.ok()) {
      s = ErrnoStatus("cannot remove", absl::StrCat(path, "/", n), errno);
    }
  }
  ::closedir(d);
  if (::unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) != 0 && s.ok()) {
    s = ErrnoStatus("cannot remove directory", path, errno);
  }
  ::close(parent_fd);
  return s;
}

absl::StatusOr<std::unique_ptr<FileLock>> SystemEnv::TryLockEntry(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open", path, errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return absl::DeadlineExceededError(absl::StrCat(path, " is locked by another process"));
    }
    return ErrnoStatus("cannot lock", path, err);
  }
  return std::unique_ptr<FileLock>(new FdLock(fd));
}

}  // namespace orch

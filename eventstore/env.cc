// SystemEnv: the clock and POSIX files.
#include "eventstore/env.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "eventstore/fair_file_lock.h"

namespace orch {

absl::Status ErrnoStatus(absl::string_view what, absl::string_view path, int err) {
  const char* name = strerrorname_np(err);
  std::string msg = absl::StrCat(what, " ", path, ": ", std::strerror(err), " (", name ? name : "?", ")");
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      return absl::ResourceExhaustedError(absl::StrCat("disk full: ", msg));
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::FailedPreconditionError(msg);
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(msg);
    case EEXIST:
      return absl::AlreadyExistsError(msg);
    default:
      return absl::UnavailableError(msg);
  }
}

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
int OpenCreating(const std::string& path, int flags, bool exclusive, uint32_t mode) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd >= 0) {
    if ((mode & 0070) != 0 && ::fchmod(fd, mode) != 0) {
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
  int fd = OpenCreating(path, flags, o.exclusive, o.mode);
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
  std::string out;
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
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

absl::Status WriteFileAtomically(Env& env, const std::string& path, absl::string_view content,
                                 uint32_t mode) {
  const std::filesystem::path target(path);
  const std::string dir = target.has_parent_path() ? target.parent_path().string() : ".";
  std::random_device rd;
  const std::string tmp = (target.parent_path() /
                           absl::StrFormat(".%s.tmp.%d.%08x", target.filename().string(), ::getpid(), rd()))
                              .string();
  auto file = env.NewWritableFile(tmp, WritableFileOptions{mode, /*exclusive=*/true, /*append=*/false});
  if (!file.ok()) return file.status();
  absl::Status s = (*file)->Append(content);
  if (s.ok()) s = (*file)->Sync();
  if (absl::Status c = (*file)->Close(); s.ok()) s = c;
  if (s.ok()) s = env.RenameFile(tmp, path);
  if (!s.ok()) {
    env.RemoveFile(tmp).IgnoreError();
    return s;
  }
  return env.SyncDir(dir);
}

}  // namespace orch

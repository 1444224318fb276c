#include "server/endpoint.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"

namespace orch::server {

namespace {

// An address for `path`. sun_path holds 107 bytes: a longer path is reached
// through an O_PATH descriptor of its directory (/proc/self/fd/N/name),
// which `dir_fd` keeps open until the caller is done with the address.
absl::Status MakeAddress(const std::string& path, sockaddr_un* addr, int* dir_fd) {
  *dir_fd = -1;
  std::memset(addr, 0, sizeof(*addr));
  addr->sun_family = AF_UNIX;
  std::string target = path;
  if (target.size() >= sizeof(addr->sun_path)) {
    const std::filesystem::path p(path);
    *dir_fd = ::open(p.parent_path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (*dir_fd < 0) return ErrnoStatus("open the socket's directory", p.parent_path().string(), errno);
    target = absl::StrCat("/proc/self/fd/", *dir_fd, "/", p.filename().string());
    if (target.size() >= sizeof(addr->sun_path)) {
      ::close(*dir_fd);
      *dir_fd = -1;
      return absl::InvalidArgumentError(absl::StrCat("socket name is too long: ", path));
    }
  }
  std::memcpy(addr->sun_path, target.data(), target.size());
  return absl::OkStatus();
}

void CloseIfOpen(int fd) {
  if (fd >= 0) ::close(fd);
}

// A new unix stream socket and the address of `path` for it (MakeAddress;
// `dir_fd` as there). On error nothing is left open.
absl::StatusOr<int> NewSocket(const std::string& path, sockaddr_un* addr, int* dir_fd) {
  if (absl::Status s = MakeAddress(path, addr, dir_fd); !s.ok()) return s;
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    const int err = errno;
    CloseIfOpen(*dir_fd);
    return ErrnoStatus("create a socket", path, err);
  }
  return fd;
}

}  // namespace

std::string SocketPathFor(const std::string& store_dir) {
  if (const char* v = std::getenv("ORCH_SOCKET"); v != nullptr && *v != '\0') return v;
  return (std::filesystem::path(store_dir) / kSocketFile).string();
}

absl::StatusOr<int> ConnectSocket(const std::string& path) {
  sockaddr_un addr;
  int dir_fd = -1;
  absl::StatusOr<int> made = NewSocket(path, &addr, &dir_fd);
  if (!made.ok()) return made.status();
  const int fd = *made;
  int rc;
  do {
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  } while (rc != 0 && errno == EINTR);
  const int err = errno;
  CloseIfOpen(dir_fd);
  if (rc == 0) return fd;
  ::close(fd);
  if (err == ENOENT || err == ENOTDIR) return absl::NotFoundError(absl::StrCat("no server socket at ", path));
  if (err == ECONNREFUSED) return absl::UnavailableError(absl::StrCat("no server listens on ", path));
  return ErrnoStatus("connect to the server at", path, err);
}

mode_t StoreFileMode(const std::string& store_dir) {
  struct stat st {};
  return ::stat(store_dir.c_str(), &st) == 0 && (st.st_mode & S_IWGRP) != 0 ? 0660 : 0600;
}

absl::StatusOr<int> ListenSocket(const std::string& path, int backlog, mode_t mode) {
  sockaddr_un addr;
  int dir_fd = -1;
  absl::StatusOr<int> made = NewSocket(path, &addr, &dir_fd);
  if (!made.ok()) return made.status();
  const int fd = *made;
  ::unlink(path.c_str());  // a stale socket of a dead server
  // The store's file mode from the start (umask applies to bind's file):
  // a shared store's group may connect (clients check who listens).
  const mode_t old = ::umask(~mode & 0777);
  const int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  const int err = errno;
  ::umask(old);
  CloseIfOpen(dir_fd);
  if (rc != 0) {
    ::close(fd);
    return ErrnoStatus("bind the server socket", path, err);
  }
  if (::listen(fd, backlog) != 0) {
    const int e = errno;
    ::close(fd);
    return ErrnoStatus("listen on", path, e);
  }
  return fd;
}

absl::StatusOr<int> TakeServeLock(const std::string& store_dir) {
  const std::string path = (std::filesystem::path(store_dir) / kServeLockFile).string();
  const mode_t mode = StoreFileMode(store_dir);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoStatus("open", path, errno);
  (void)::fchmod(fd, mode);  // the umask does not decide a shared store's modes
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return absl::AlreadyExistsError(absl::StrCat("another server owns ", store_dir));
    return ErrnoStatus("lock", path, err);
  }
  return fd;
}

bool ServeLockHeld(const std::string& store_dir) {
  const std::string path = (std::filesystem::path(store_dir) / kServeLockFile).string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

}  // namespace orch::server

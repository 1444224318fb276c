#include "commands/atomic_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"

namespace orch {

namespace {

// An owned file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

absl::Status ErrnoStatus(int e, absl::string_view what, absl::string_view path) {
  const std::string msg = absl::StrCat(what, " ", path, ": ", std::strerror(e));
  switch (e) {
    case ENOSPC:
    case EDQUOT:
      return absl::ResourceExhaustedError(msg);
    case ENOENT:
    case ENOTDIR:
    case EACCES:
    case EPERM:
    case EROFS:
    case EISDIR:
    case ELOOP:
    case ENAMETOOLONG:
      return absl::InvalidArgumentError(msg);
    default:
      return absl::InternalError(msg);
  }
}

absl::Status Errno(absl::string_view what, absl::string_view path) { return ErrnoStatus(errno, what, path); }

// The directory part and the last name of `path` ("a/b" -> "a", "b").
absl::Status SplitPath(const std::string& path, std::string* dir, std::string* name) {
  std::filesystem::path p(path);
  while (p.has_relative_path() && p.filename().empty()) p = p.parent_path();  // "out/" -> "out"
  *name = p.filename().string();
  if (name->empty() || *name == "." || *name == "..") {
    return absl::InvalidArgumentError(absl::StrCat("'", path, "' does not name a file"));
  }
  *dir = p.has_parent_path() ? p.parent_path().string() : ".";
  return absl::OkStatus();
}

absl::StatusOr<Fd> OpenDirectory(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return Errno("cannot open directory", path);
  return fd;
}

std::string RandomSuffix() {
  unsigned char bytes[8] = {};
  if (::getrandom(bytes, sizeof(bytes), 0) != static_cast<ssize_t>(sizeof(bytes))) {
    // No entropy is no reason to fail: O_EXCL still refuses a taken name.
    const uint64_t fallback = static_cast<uint64_t>(::getpid()) * 0x9E3779B97F4A7C15ull ^
                              static_cast<uint64_t>(reinterpret_cast<uintptr_t>(&bytes));
    std::memcpy(bytes, &fallback, sizeof(bytes));
  }
  std::string out;
  for (unsigned char b : bytes) absl::StrAppendFormat(&out, "%02x", b);
  return out;
}

// ".NAME.orch-tmp-": what every temporary entry for target NAME starts with.
std::string TempPrefix(const std::string& name) { return absl::StrCat(".", name, ".orch-tmp-"); }

absl::Status WriteAll(int fd, absl::string_view content, absl::string_view path) {
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot write", path);
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status Sync(int fd, absl::string_view path) {
  if (::fsync(fd) != 0) return Errno("cannot sync", path);
  return absl::OkStatus();
}

// Entries of the directory `fd` (without "." and ".."), in name order.
absl::StatusOr<std::vector<std::string>> ListDirectory(int fd, absl::string_view path) {
  const int copy = ::dup(fd);
  if (copy < 0) return Errno("cannot read directory", path);
  DIR* d = ::fdopendir(copy);
  if (d == nullptr) {
    ::close(copy);
    return Errno("cannot read directory", path);
  }
  ::rewinddir(d);
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

// Removes the directory `name` in `parent_fd` and the entries in it (files
// and links: unlinked, never followed). A subdirectory, which no writer here
// creates, is left, and so is the directory then.
void RemoveDirectoryTree(int parent_fd, const std::string& name) {
  Fd fd(::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOTDIR || errno == ELOOP) ::unlinkat(parent_fd, name.c_str(), 0);  // a link: the link only
    return;
  }
  auto names = ListDirectory(fd.get(), name);
  if (names.ok()) {
    for (const std::string& n : *names) ::unlinkat(fd.get(), n.c_str(), 0);
  }
  ::unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR);
}

// Removes temporary entries starting with `prefix` that no live writer
// holds: a writer keeps an flock on its entry until it is done, and the
// kernel drops the lock when the writer dies, even by SIGKILL. Only our own
// entries are touched; failures are left for the next writer.
void RemoveLeftovers(int parent_fd, const std::string& prefix) {
  auto names = ListDirectory(parent_fd, prefix);
  if (!names.ok()) return;
  for (const std::string& n : *names) {
    if (n.rfind(prefix, 0) != 0) continue;
    struct stat st;
    if (::fstatat(parent_fd, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_uid != ::geteuid()) continue;
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) continue;
    Fd fd(::openat(parent_fd, n.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() < 0 || ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;  // a live writer's
    if (S_ISDIR(st.st_mode)) {
      RemoveDirectoryTree(parent_fd, n);
    } else {
      ::unlinkat(parent_fd, n.c_str(), 0);
    }
  }
}

// Creates and locks a new regular file `prefix` + random in `dir_fd`.
absl::StatusOr<Fd> CreateTempFile(int dir_fd, const std::string& prefix, std::string* name,
                                  absl::string_view dir_path) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    *name = prefix + RandomSuffix();
    Fd fd(::openat(dir_fd, name->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (fd.get() < 0 && errno == EEXIST) continue;
    if (fd.get() < 0) return Errno("cannot create a file in", dir_path);
    if (::flock(fd.get(), LOCK_EX) != 0) return Errno("cannot lock", *name);
    return fd;
  }
  return absl::InternalError(absl::StrCat("cannot find a free temporary name in ", dir_path));
}

// Writes one file of a set into the fresh directory `dir_fd`.
absl::Status WriteNewFile(int dir_fd, const std::string& name, absl::string_view content,
                          absl::string_view shown) {
  Fd fd(::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (fd.get() < 0) return Errno("cannot create", shown);
  ORCH_RETURN_IF_ERROR(WriteAll(fd.get(), content, shown));
  return Sync(fd.get(), shown);
}

absl::StatusOr<std::string> ReadSmallFile(int dir_fd, const char* name) {
  Fd fd(::openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) return Errno("cannot read", name);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd.get(), buf, sizeof(buf))) > 0 && out.size() < (1 << 16)) out.append(buf, n);
  return out;
}

enum class Target { kAbsent, kOwned };

// Is the existing `name` in `parent_fd` ours to replace (see the header)?
absl::StatusOr<Target> CheckTarget(int parent_fd, const std::string& name, const std::string& shown,
                                   const std::vector<NamedContent>& files) {
  struct stat st;
  if (::fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return Target::kAbsent;
    return Errno("cannot inspect", shown);
  }
  if (S_ISLNK(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(
        shown, " is a symbolic link: export replaces a directory of its own and follows no link"));
  }
  if (!S_ISDIR(st.st_mode)) return absl::InvalidArgumentError(absl::StrCat(shown, " is not a directory"));
  Fd fd(::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) return Errno("cannot open directory", shown);
  ORCH_ASSIGN_OR_RETURN(std::vector<std::string> entries, ListDirectory(fd.get(), shown));
  if (entries.empty()) return Target::kOwned;
  std::set<std::string> ours = {kOwnedDirMarker};
  for (const NamedContent& f : files) ours.insert(f.name);
  const bool marked = std::find(entries.begin(), entries.end(), kOwnedDirMarker) != entries.end();
  if (marked) {
    // The marker lists what an earlier export wrote (a newer one may write
    // other files).
    auto listed = ReadSmallFile(fd.get(), kOwnedDirMarker);
    if (listed.ok()) {
      for (absl::string_view line : absl::StrSplit(*listed, '\n')) {
        if (!line.empty() && line[0] != '#') ours.insert(std::string(line));
      }
    }
  }
  // Without a marker, only files named as the new set are taken: what an
  // export wrote before the marker existed (it overwrote them by name, too).
  std::vector<std::string> foreign;
  for (const std::string& e : entries) {
    struct stat est = {};
    const bool regular =
        ::fstatat(fd.get(), e.c_str(), &est, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(est.st_mode);
    if (!regular || ours.count(e) == 0) {
      foreign.push_back(regular ? e : absl::StrCat(e, S_ISDIR(est.st_mode) ? "/" : " (not a regular file)"));
    }
  }
  if (foreign.empty()) return Target::kOwned;
  constexpr size_t kShown = 5;
  const size_t more = foreign.size() > kShown ? foreign.size() - kShown : 0;
  foreign.resize(std::min(foreign.size(), kShown));
  return absl::InvalidArgumentError(
      absl::StrCat(shown, " holds entries orch export did not write: ", absl::StrJoin(foreign, ", "),
                   more > 0 ? absl::StrCat(" and ", more, " more") : "",
                   " (export replaces the whole directory: give an empty or new directory)"));
}

std::string MarkerContent(const std::vector<NamedContent>& files) {
  std::string out =
      "# Written by orch export. This directory is replaced as a whole by the next export;\n"
      "# files not listed here make it refuse.\n";
  for (const NamedContent& f : files) absl::StrAppend(&out, f.name, "\n");
  return out;
}

}  // namespace

absl::Status WriteFileAtomically(const std::string& path, absl::string_view content) {
  std::string dir, name;
  ORCH_RETURN_IF_ERROR(SplitPath(path, &dir, &name));
  ORCH_ASSIGN_OR_RETURN(Fd dir_fd, OpenDirectory(dir));
  const std::string prefix = TempPrefix(name);
  RemoveLeftovers(dir_fd.get(), prefix);
  std::string tmp;
  ORCH_ASSIGN_OR_RETURN(Fd fd, CreateTempFile(dir_fd.get(), prefix, &tmp, dir));
  absl::Status s = WriteAll(fd.get(), content, path);
  if (s.ok()) s = Sync(fd.get(), path);
  // rename replaces a link at `path` itself: nothing is written through it.
  if (s.ok() && ::renameat(dir_fd.get(), tmp.c_str(), dir_fd.get(), name.c_str()) != 0) {
    s = Errno("cannot rename onto", path);
  }
  if (!s.ok()) {
    ::unlinkat(dir_fd.get(), tmp.c_str(), 0);
    return s;
  }
  return Sync(dir_fd.get(), dir);
}

absl::Status ReplaceDirectoryAtomically(const std::string& dir, const std::vector<NamedContent>& files) {
  for (const NamedContent& f : files) {
    if (f.name.empty() || f.name == "." || f.name == ".." || f.name == kOwnedDirMarker ||
        f.name.find('/') != std::string::npos) {
      return absl::InternalError(absl::StrCat("bad file name '", f.name, "' in a directory set"));
    }
  }
  std::string parent, name;
  ORCH_RETURN_IF_ERROR(SplitPath(dir, &parent, &name));
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) return ErrnoStatus(ec.value(), "cannot create", parent);
  ORCH_ASSIGN_OR_RETURN(Fd parent_fd, OpenDirectory(parent));
  // Refuse a foreign directory before any work, and leave nothing behind.
  ORCH_RETURN_IF_ERROR(CheckTarget(parent_fd.get(), name, dir, files).status());
  const std::string prefix = TempPrefix(name);
  RemoveLeftovers(parent_fd.get(), prefix);

  std::string tmp;
  for (int attempt = 0; attempt < 16 && tmp.empty(); ++attempt) {
    const std::string candidate = prefix + RandomSuffix();
    if (::mkdirat(parent_fd.get(), candidate.c_str(), 0755) == 0) tmp = candidate;
    if (tmp.empty() && errno != EEXIST) return Errno("cannot create a directory in", parent);
  }
  if (tmp.empty()) return absl::InternalError(absl::StrCat("cannot find a free temporary name in ", parent));
  // Locked until this process is done or dies: a concurrent writer's
  // leftover sweep leaves it alone.
  Fd tmp_fd(::openat(parent_fd.get(), tmp.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  const auto fail = [&](absl::Status s) {
    RemoveDirectoryTree(parent_fd.get(), tmp);
    return s;
  };
  if (tmp_fd.get() < 0) return fail(Errno("cannot open", tmp));
  if (::flock(tmp_fd.get(), LOCK_EX) != 0) return fail(Errno("cannot lock", tmp));
  for (const NamedContent& f : files) {
    if (absl::Status s = WriteNewFile(tmp_fd.get(), f.name, f.content, f.name); !s.ok()) return fail(s);
  }
  if (absl::Status s = WriteNewFile(tmp_fd.get(), kOwnedDirMarker, MarkerContent(files), kOwnedDirMarker);
      !s.ok()) {
    return fail(s);
  }
  if (absl::Status s = Sync(tmp_fd.get(), tmp); !s.ok()) return fail(s);

  // The swap: one rename, so the old set or the new one is at `dir`, whole.
  auto target = CheckTarget(parent_fd.get(), name, dir, files);  // again: it may have changed meanwhile
  if (!target.ok()) return fail(target.status());
  bool exchanged = false;
  if (*target == Target::kAbsent) {
    if (::renameat2(parent_fd.get(), tmp.c_str(), parent_fd.get(), name.c_str(), RENAME_NOREPLACE) != 0) {
      if (errno != EEXIST) return fail(Errno("cannot rename onto", dir));
      target = CheckTarget(parent_fd.get(), name, dir, files);  // created meanwhile
      if (!target.ok()) return fail(target.status());
      exchanged = true;
    }
  } else {
    exchanged = true;
  }
  if (exchanged &&
      ::renameat2(parent_fd.get(), tmp.c_str(), parent_fd.get(), name.c_str(), RENAME_EXCHANGE) != 0) {
    if (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP) {
      return fail(absl::InvalidArgumentError(
          absl::StrCat("the file system of ", dir,
                       " cannot exchange two directories atomically (renameat2 RENAME_EXCHANGE): "
                       "export to a directory on a local file system")));
    }
    return fail(Errno("cannot exchange", dir));
  }
  if (absl::Status s = Sync(parent_fd.get(), parent); !s.ok()) return s;
  // The old set now sits at the temporary name; a kill before this leaves
  // it for the next writer's sweep (it is not locked).
  if (exchanged) RemoveDirectoryTree(parent_fd.get(), tmp);
  return absl::OkStatus();
}

}  // namespace orch

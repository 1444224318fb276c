#include "eventstore/atomic_file.h"

#include <sys/random.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace orch {

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

std::string TempPrefix(absl::string_view name) { return absl::StrCat(".", name, ".orch-tmp-"); }

std::string TempName(absl::string_view name) {
  unsigned char bytes[8] = {};
  if (::getrandom(bytes, sizeof(bytes), 0) != static_cast<ssize_t>(sizeof(bytes))) {
    // No entropy is no reason to fail: the exclusive create still refuses
    // a taken name.
    const uint64_t fallback = static_cast<uint64_t>(::getpid()) * 0x9E3779B97F4A7C15ull ^
                              static_cast<uint64_t>(reinterpret_cast<uintptr_t>(&bytes));
    std::memcpy(bytes, &fallback, sizeof(bytes));
  }
  std::string out = TempPrefix(name);
  for (unsigned char b : bytes) absl::StrAppendFormat(&out, "%02x", b);
  return out;
}

void RemoveLeftovers(Env& env, const std::string& dir, const std::string& prefix) {
  auto names = env.ListDir(dir);
  if (!names.ok()) return;
  for (const std::string& n : *names) {
    if (n.rfind(prefix, 0) != 0) continue;
    const std::string path = absl::StrCat(dir, "/", n);
    auto info = env.StatEntry(path);
    if (!info.ok() || info->uid != ::geteuid()) continue;
    if (info->kind != EntryInfo::Kind::kRegular && info->kind != EntryInfo::Kind::kDirectory) continue;
    // The kernel drops a writer's lock when it dies, even by SIGKILL:
    // locked means alive.
    auto lock = env.TryLockEntry(path);
    if (!lock.ok()) continue;
    if (info->kind == EntryInfo::Kind::kDirectory) {
      env.RemoveTree(path).IgnoreError();
    } else {
      env.RemoveFile(path).IgnoreError();
    }
  }
}

absl::Status WriteFileAtomically(Env& env, const std::string& path, absl::string_view content, uint32_t mode,
                                 bool umask_applies) {
  std::string dir, name;
  if (absl::Status s = SplitPath(path, &dir, &name); !s.ok()) return s;
  RemoveLeftovers(env, dir, TempPrefix(name));
  WritableFileOptions options;
  options.mode = mode;
  options.exclusive = true;  // O_EXCL | O_NOFOLLOW: never a planted link
  options.umask_applies = umask_applies;
  std::string tmp;
  absl::StatusOr<std::unique_ptr<WritableFile>> file;
  for (int attempt = 0; attempt < 16; ++attempt) {
    tmp = absl::StrCat(dir, "/", TempName(name));
    file = env.NewWritableFile(tmp, options);
    if (!absl::IsAlreadyExists(file.status())) break;
  }
  if (!file.ok()) return file.status();
  // Marks the temporary file as a live writer's until this returns.
  auto lock = env.TryLockEntry(tmp);
  absl::Status s = lock.status();
  if (s.ok()) s = (*file)->Append(content);
  if (s.ok()) s = (*file)->Fsync();
  if (absl::Status c = (*file)->Close(); s.ok()) s = c;
  // rename replaces a link at `path` itself: nothing is written through it.
  if (s.ok()) s = env.RenameFile(tmp, path);
  if (!s.ok()) {
    env.RemoveFile(tmp).IgnoreError();
    return s;
  }
  return env.SyncDir(dir);
}

}  // namespace orch

#include "eventstore/store_dir.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace orch {

namespace {

namespace fs = std::filesystem;

// True unless `pid` certainly no longer runs (a process of another user
// counts as running).
bool Alive(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno != ESRCH); }

}  // namespace

absl::StatusOr<StoreModes> PrepareStoreDir(Env& env, const std::string& dir, bool create, bool shared_group) {
  struct stat st;
  const std::string current = (fs::path(dir) / "CURRENT").string();
  const bool exists = ::stat(current.c_str(), &st) == 0;
  if (!exists && errno != ENOENT) return ErrnoStatus("cannot open store", dir, errno);  // EACCES, ...
  std::error_code ec;
  if (!exists && !create) {
    return absl::FailedPreconditionError(
        absl::StrCat("no orch store at ", dir, " (run `orch init`, or set --store / ORCH_STORE)"));
  }
  if (!exists && !fs::exists(dir, ec)) {
    const fs::path parent = fs::path(dir).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    absl::Status made = env.CreateDir(dir, shared_group ? 02770 : 0700);
    if (!made.ok() && !absl::IsAlreadyExists(made)) return made;
  }
  if (::stat(dir.c_str(), &st) != 0) return ErrnoStatus("cannot open store", dir, errno);
  StoreModes modes;
  if (st.st_mode & S_IWGRP) {
    modes.file_mode = 0660;
    modes.dir_mode = 02770;
  }
  return modes;
}

absl::StatusOr<std::string> MakeReaderDir(Env& env, const std::string& dir, const StoreModes& modes) {
  const std::string readers = dir + "/readers";
  absl::Status made = env.CreateDir(readers, modes.dir_mode);
  if (!made.ok() && !absl::IsAlreadyExists(made)) return made;
  if (auto names = env.ListDir(readers); names.ok()) {
    for (const std::string& name : *names) {
      const std::vector<std::string> parts = absl::StrSplit(name, '.');
      int pid = 0;
      if (parts.size() == 2 && absl::SimpleAtoi(parts[0], &pid) && !Alive(pid))
        RemoveTree(readers + "/" + name);
    }
  }
  std::random_device rd;
  const std::string mine = absl::StrFormat("%s/%d.%08x", readers, ::getpid(), rd());
  absl::Status s = env.CreateDir(mine, modes.dir_mode);
  if (!s.ok()) return s;
  return mine;
}

void RemoveTree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

}  // namespace orch

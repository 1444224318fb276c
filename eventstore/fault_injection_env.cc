#include "eventstore/fault_injection_env.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/errno_status.h"

namespace orch {

namespace {

std::string Parent(const std::string& path) { return std::filesystem::path(path).parent_path().string(); }

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

// `path` is `dir` or lies under it.
bool Within(const std::string& path, const std::string& dir) {
  return path == dir || (absl::StartsWith(path, dir) && path.size() > dir.size() && path[dir.size()] == '/');
}

}  // namespace

class FaultWritableFile : public WritableFile {
 public:
  FaultWritableFile(FaultInjectionEnv* env, std::string path, std::unique_ptr<WritableFile> target)
      : env_(env), path_(std::move(path)), target_(std::move(target)) {}

  absl::Status Append(absl::string_view data) override {
    if (absl::Status s = env_->OnAppend(path_, 0); !s.ok()) return s;
    absl::Status s = target_->Append(data);
    if (s.ok()) env_->OnAppend(path_, data.size()).IgnoreError();
    return s;
  }
  absl::Status Sync() override {
    return SyncWith([this] { return target_->Sync(); });
  }
  absl::Status Fsync() override {
    return SyncWith([this] { return target_->Fsync(); });
  }
  absl::Status Truncate(uint64_t size) override {
    absl::Status s = target_->Truncate(size);
    if (s.ok()) env_->OnTruncate(path_, size);
    return s;
  }
  absl::Status Close() override { return target_->Close(); }
  uint64_t Size() const override { return target_->Size(); }

 private:
  template <typename Fn>
  absl::Status SyncWith(Fn sync) {
    if (absl::Status s = env_->Injected("sync", path_, &env_->fail_sync_); !s.ok()) return s;
    absl::Status s = sync();
    if (s.ok()) env_->OnSync(path_).IgnoreError();
    return s;
  }

  FaultInjectionEnv* const env_;
  const std::string path_;
  std::unique_ptr<WritableFile> target_;
};

void FaultInjectionEnv::FailNextWrite(const std::string& path_part) {
  std::lock_guard<std::mutex> l(mu_);
  fail_write_ = path_part;
}

void FaultInjectionEnv::FailNextSync(const std::string& path_part) {
  std::lock_guard<std::mutex> l(mu_);
  fail_sync_ = path_part;
}

void FaultInjectionEnv::SetNoSpace(bool on, uint64_t free_bytes) {
  std::lock_guard<std::mutex> l(mu_);
  no_space_ = on;
  free_bytes_ = free_bytes;
}

void FaultInjectionEnv::SetFilesystemActive(bool active) {
  std::lock_guard<std::mutex> l(mu_);
  active_ = active;
}

int FaultInjectionEnv::injected() const {
  std::lock_guard<std::mutex> l(mu_);
  return injected_;
}

absl::Status FaultInjectionEnv::Injected(const std::string& what, const std::string& path,
                                         std::optional<std::string>* armed) {
  std::lock_guard<std::mutex> l(mu_);
  if (!active_) {
    ++injected_;
    return ErrnoStatus(absl::StrCat(what, " (simulated crash)"), path, EIO);
  }
  if (armed != nullptr && armed->has_value() && absl::StrContains(path, **armed)) {
    armed->reset();
    ++injected_;
    return ErrnoStatus(absl::StrCat(what, " (injected)"), path, EIO);
  }
  return absl::OkStatus();
}

absl::Status FaultInjectionEnv::OnAppend(const std::string& path, uint64_t bytes) {
  if (bytes == 0) {  // before the write: may it happen?
    if (absl::Status s = Injected("write", path, &fail_write_); !s.ok()) return s;
    std::lock_guard<std::mutex> l(mu_);
    if (no_space_) {
      ++injected_;
      return ErrnoStatus("write (injected)", path, ENOSPC);
    }
    return absl::OkStatus();
  }
  std::lock_guard<std::mutex> l(mu_);
  files_[path].size += bytes;
  return absl::OkStatus();
}

absl::Status FaultInjectionEnv::OnSync(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  FileState& f = files_[path];
  f.synced = f.size;
  return absl::OkStatus();
}

void FaultInjectionEnv::OnTruncate(const std::string& path, uint64_t size) {
  std::lock_guard<std::mutex> l(mu_);
  FileState& f = files_[path];
  f.size = size;
  f.synced = std::min(f.synced, size);
}

absl::StatusOr<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(
    const std::string& path, const WritableFileOptions& o) {
  if (absl::Status s = Injected("create", path, nullptr); !s.ok()) return s;
  const bool existed = Exists(path);
  auto file = target()->NewWritableFile(path, o);
  if (!file.ok()) return file.status();
  {
    std::lock_guard<std::mutex> l(mu_);
    FileState& f = files_[path];
    f.size = (*file)->Size();
    f.synced = o.append ? f.size : 0;
    f.name_durable = existed;
  }
  return std::unique_ptr<WritableFile>(new FaultWritableFile(this, path, *std::move(file)));
}

absl::Status FaultInjectionEnv::RenameFile(const std::string& from, const std::string& to) {
  if (absl::Status s = Injected("rename", from, nullptr); !s.ok()) return s;
  PendingRename pending{from, to, std::nullopt};
  if (Exists(to)) {
    auto old = target()->ReadFile(to);
    if (old.ok()) pending.replaced = *std::move(old);
  }
  absl::Status s = target()->RenameFile(from, to);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> l(mu_);
  FileState moved;
  if (auto it = files_.find(from); it != files_.end()) {
    moved = it->second;
    files_.erase(it);
  } else {
    moved.size = moved.synced = std::filesystem::file_size(to);  // written before this Env saw it
  }
  moved.name_durable = false;
  files_[to] = moved;
  renames_.push_back(std::move(pending));
  return absl::OkStatus();
}

absl::Status FaultInjectionEnv::RemoveFile(const std::string& path) {
  if (absl::Status s = Injected("remove", path, nullptr); !s.ok()) return s;
  absl::Status s = target()->RemoveFile(path);
  if (s.ok()) {
    std::lock_guard<std::mutex> l(mu_);
    files_.erase(path);
  }
  return s;
}

void FaultInjectionEnv::MoveStateLocked(const std::string& from, const std::string& to, bool swap) {
  std::map<std::string, FileState> moved;
  for (auto it = files_.begin(); it != files_.end();) {
    if (Within(it->first, from)) {
      moved[to + it->first.substr(from.size())] = it->second;
    } else if (swap && Within(it->first, to)) {
      moved[from + it->first.substr(to.size())] = it->second;
    } else {
      ++it;
      continue;
    }
    it = files_.erase(it);
  }
  for (auto& [path, f] : moved) files_[path] = f;
}

absl::Status FaultInjectionEnv::RenameNoReplace(const std::string& from, const std::string& to) {
  if (absl::Status s = Injected("rename", from, nullptr); !s.ok()) return s;
  absl::Status s = target()->RenameNoReplace(from, to);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> l(mu_);
  MoveStateLocked(from, to, /*swap=*/false);
  if (auto it = files_.find(to); it != files_.end()) it->second.name_durable = false;
  renames_.push_back(PendingRename{from, to, std::nullopt, false});
  return absl::OkStatus();
}

absl::Status FaultInjectionEnv::ExchangeEntries(const std::string& a, const std::string& b) {
  if (absl::Status s = Injected("exchange", a, nullptr); !s.ok()) return s;
  absl::Status s = target()->ExchangeEntries(a, b);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> l(mu_);
  MoveStateLocked(a, b, /*swap=*/true);
  renames_.push_back(PendingRename{a, b, std::nullopt, true});
  return absl::OkStatus();
}

absl::Status FaultInjectionEnv::RemoveTree(const std::string& path) {
  if (absl::Status s = Injected("remove", path, nullptr); !s.ok()) return s;
  absl::Status s = target()->RemoveTree(path);
  std::lock_guard<std::mutex> l(mu_);
  for (auto it = files_.begin(); it != files_.end();) {
    it = Within(it->first, path) && !Exists(it->first) ? files_.erase(it) : std::next(it);
  }
  return s;
}

absl::Status FaultInjectionEnv::CreateDir(const std::string& path, uint32_t mode) {
  if (absl::Status s = Injected("create directory", path, nullptr); !s.ok()) return s;
  return target()->CreateDir(path, mode);
}

absl::Status FaultInjectionEnv::SyncDir(const std::string& path) {
  if (absl::Status s = Injected("sync directory", path, &fail_sync_); !s.ok()) return s;
  absl::Status s = target()->SyncDir(path);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [name, f] : files_) {
    if (Parent(name) == path) f.name_durable = true;
  }
  renames_.erase(std::remove_if(renames_.begin(), renames_.end(),
                                [&path](const PendingRename& r) { return Parent(r.to) == path; }),
                 renames_.end());
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> FaultInjectionEnv::FreeSpace(const std::string& path) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (no_space_) return free_bytes_;
  }
  return target()->FreeSpace(path);
}

absl::Status FaultInjectionEnv::DropUnsyncedData() {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& [path, f] : files_) {
    if (Exists(path) && ::truncate(path.c_str(), static_cast<off_t>(f.synced)) != 0) {
      return ErrnoStatus("truncate", path, errno);
    }
  }
  for (auto it = renames_.rbegin(); it != renames_.rend(); ++it) {
    // What is left of the two names goes back; a removed one stays removed.
    const bool to_there = Exists(it->to), from_there = Exists(it->from);
    if (it->exchange && to_there && from_there) {
      if (::renameat2(AT_FDCWD, it->to.c_str(), AT_FDCWD, it->from.c_str(), RENAME_EXCHANGE) != 0) {
        return ErrnoStatus("undo exchange of", it->to, errno);
      }
      MoveStateLocked(it->to, it->from, /*swap=*/true);
      continue;
    }
    if (it->exchange && !to_there) {
      if (from_there && ::rename(it->from.c_str(), it->to.c_str()) != 0) {
        return ErrnoStatus("undo exchange of", it->from, errno);
      }
      MoveStateLocked(it->from, it->to, /*swap=*/false);
      continue;
    }
    if (!to_there) continue;
    if (::rename(it->to.c_str(), it->from.c_str()) != 0) return ErrnoStatus("undo rename of", it->to, errno);
    MoveStateLocked(it->to, it->from, /*swap=*/false);
    if (it->replaced) {
      std::ofstream(it->to, std::ios::binary | std::ios::trunc) << *it->replaced;
      files_.erase(it->to);  // back as it was: durable
    }
  }
  renames_.clear();
  for (auto it = files_.begin(); it != files_.end();) {
    if (!it->second.name_durable) {
      ::unlink(it->first.c_str());
      it = files_.erase(it);
    } else {
      ++it;
    }
  }
  return absl::OkStatus();
}

}  // namespace orch

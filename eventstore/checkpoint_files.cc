#include "eventstore/checkpoint_files.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "eventstore/atomic_file.h"
#include "eventstore/key_format.h"
#include "eventstore/sha256.h"

namespace orch {

namespace {

constexpr char kMagic[] = "ORCHCKP1";
constexpr size_t kMagicSize = 8;
constexpr size_t kHeaderSize = kMagicSize + 8 + kHashSize + kHashSize;

bool ValidName(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

absl::Status CheckName(const std::string& name) {
  if (ValidName(name)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("bad checkpoint name '", name, "': use letters, digits, - and _"));
}

}  // namespace

CheckpointFiles::CheckpointFiles(Env* env, std::string store_dir, uint32_t file_mode, uint32_t dir_mode)
    : env_(env),
      dir_(store_dir + "/checkpoints"),
      store_dir_(std::move(store_dir)),
      file_mode_(file_mode),
      dir_mode_(dir_mode) {}

std::string CheckpointFiles::PathOf(const std::string& name, uint64_t seq) const {
  return absl::StrFormat("%s/%s.%020d", dir_, name, seq);
}

absl::Status CheckpointFiles::Put(const std::string& name, uint64_t seq, const std::string& event_hash,
                                  const std::string& bytes) {
  if (absl::Status s = CheckName(name); !s.ok()) return s;
  if (event_hash.size() != kHashSize)
    return absl::InvalidArgumentError("checkpoint event hash must be 32 bytes");
  absl::Status made = env_->CreateDir(dir_, dir_mode_);
  if (made.ok()) made = env_->SyncDir(store_dir_);
  if (!made.ok() && !absl::IsAlreadyExists(made)) return made;
  std::string file(kMagic, kMagicSize);
  keys::PutBigEndian64(&file, seq);
  file += event_hash;
  file += Sha256(bytes);
  file += bytes;
  return WriteFileAtomically(*env_, PathOf(name, seq), file, file_mode_);
}

absl::StatusOr<std::vector<uint64_t>> CheckpointFiles::List(const std::string& name) const {
  if (absl::Status s = CheckName(name); !s.ok()) return s;
  auto names = env_->ListDir(dir_);
  if (absl::IsNotFound(names.status())) return std::vector<uint64_t>{};
  if (!names.ok()) return names.status();
  std::vector<uint64_t> seqs;
  const std::string prefix = name + ".";
  for (const std::string& n : *names) {
    absl::string_view rest = n;
    uint64_t seq = 0;
    if (absl::ConsumePrefix(&rest, prefix) && rest.size() == 20 && absl::SimpleAtoi(rest, &seq)) {
      seqs.push_back(seq);
    }
  }
  std::sort(seqs.begin(), seqs.end());
  return seqs;
}

absl::StatusOr<CheckpointFile> CheckpointFiles::Read(const std::string& name, uint64_t seq) const {
  if (absl::Status s = CheckName(name); !s.ok()) return s;
  const std::string path = PathOf(name, seq);
  auto data = env_->ReadFile(path);
  if (!data.ok()) return data.status();
  absl::string_view d = *data;
  if (d.size() < kHeaderSize || d.substr(0, kMagicSize) != absl::string_view(kMagic, kMagicSize)) {
    return absl::DataLossError(absl::StrCat("checkpoint ", path, " is not a checkpoint file (or cut short)"));
  }
  CheckpointFile cp;
  cp.seq = keys::GetBigEndian64(d.substr(kMagicSize, 8));
  cp.event_hash = std::string(d.substr(kMagicSize + 8, kHashSize));
  const absl::string_view digest = d.substr(kMagicSize + 8 + kHashSize, kHashSize);
  cp.bytes = std::string(d.substr(kHeaderSize));
  if (cp.seq != seq) {
    return absl::DataLossError(absl::StrCat("checkpoint ", path, " says it is at seq ", cp.seq));
  }
  if (Sha256(cp.bytes) != digest) {
    return absl::DataLossError(absl::StrCat("checkpoint ", path, " was changed or cut short"));
  }
  return cp;
}

absl::Status CheckpointFiles::Prune(const std::string& name, uint64_t before_seq, size_t keep) {
  auto seqs = List(name);
  if (!seqs.ok()) return seqs.status();
  std::vector<uint64_t> older;
  for (uint64_t s : *seqs) {
    if (s < before_seq) older.push_back(s);
  }
  if (older.size() <= keep) return absl::OkStatus();
  for (size_t i = 0; i + keep < older.size(); ++i) {
    absl::Status s = env_->RemoveFile(PathOf(name, older[i]));
    if (!s.ok() && !absl::IsNotFound(s)) return s;  // another process pruned it first
  }
  return env_->SyncDir(dir_);
}

absl::Status CheckpointFiles::RemoveFrom(uint64_t seq) {
  auto names = env_->ListDir(dir_);
  if (absl::IsNotFound(names.status())) return absl::OkStatus();
  if (!names.ok()) return names.status();
  for (const std::string& n : *names) {
    const size_t dot = n.rfind('.');
    uint64_t at = 0;
    if (dot == std::string::npos || !ValidName(n.substr(0, dot)) || n.size() - dot - 1 != 20 ||
        !absl::SimpleAtoi(n.substr(dot + 1), &at) || at < seq) {
      continue;
    }
    absl::Status s = env_->RemoveFile(dir_ + "/" + n);
    if (!s.ok() && !absl::IsNotFound(s)) return s;
  }
  return env_->SyncDir(dir_);
}

}  // namespace orch

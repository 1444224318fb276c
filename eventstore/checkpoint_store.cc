#include "eventstore/checkpoint_store.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "eventstore/atomic_file.h"
#include "eventstore/key_format.h"
#include "eventstore/logged_event.h"
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

CheckpointStore::CheckpointStore(const EventStore& log) : CheckpointStore(log, log.checkpoint_place()) {}

CheckpointStore::CheckpointStore(const EventStore& log, CheckpointPlace place)
    : log_(log), place_(std::move(place)), dir_(place_.store_dir + "/checkpoints") {}

std::string CheckpointStore::PathOf(const std::string& name, uint64_t seq) const {
  return absl::StrFormat("%s/%s.%020d", dir_, name, seq);
}

absl::Status CheckpointStore::Put(const std::string& name, uint64_t seq, const std::string& bytes) const {
  auto at = log_.Get(seq);
  if (!at.ok()) return at.status();
  const std::string event_hash(at->hash());
  if (absl::Status s = CheckName(name); !s.ok()) return s;
  if (event_hash.size() != kHashSize)
    return absl::InvalidArgumentError("checkpoint event hash must be 32 bytes");
  Env* env = place_.env;
  absl::Status made = env->CreateDir(dir_, place_.dir_mode);
  if (made.ok()) made = env->SyncDir(place_.store_dir);
  if (!made.ok() && !absl::IsAlreadyExists(made)) return made;
  std::string file(kMagic, kMagicSize);
  keys::PutBigEndian64(&file, seq);
  file += event_hash;
  file += Sha256(bytes);
  file += bytes;
  return WriteFileAtomically(*env, PathOf(name, seq), file, place_.file_mode);
}

absl::StatusOr<std::vector<uint64_t>> CheckpointStore::List(const std::string& name) const {
  if (absl::Status s = CheckName(name); !s.ok()) return s;
  auto names = place_.env->ListDir(dir_);
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

absl::StatusOr<CheckpointStore::File> CheckpointStore::ReadFile(const std::string& name, uint64_t seq) const {
  if (absl::Status s = CheckName(name); !s.ok()) return s;
  const std::string path = PathOf(name, seq);
  auto data = place_.env->ReadFile(path);
  if (!data.ok()) return data.status();
  absl::string_view d = *data;
  if (d.size() < kHeaderSize || d.substr(0, kMagicSize) != absl::string_view(kMagic, kMagicSize)) {
    return absl::DataLossError(absl::StrCat("checkpoint ", path, " is not a checkpoint file (or cut short)"));
  }
  File cp;
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

absl::Status CheckpointStore::Prune(const std::string& name, uint64_t before_seq, size_t keep) const {
  auto seqs = List(name);
  if (!seqs.ok()) return seqs.status();
  std::vector<uint64_t> older;
  for (uint64_t s : *seqs) {
    if (s < before_seq) older.push_back(s);
  }
  if (older.size() <= keep) return absl::OkStatus();
  for (size_t i = 0; i + keep < older.size(); ++i) {
    absl::Status s = place_.env->RemoveFile(PathOf(name, older[i]));
    if (!s.ok() && !absl::IsNotFound(s)) return s;  // another process pruned it first
  }
  return place_.env->SyncDir(dir_);
}

absl::Status CheckpointStore::RemoveFrom(Env& env, const std::string& store_dir, uint64_t seq) {
  const std::string dir = store_dir + "/checkpoints";
  auto names = env.ListDir(dir);
  if (absl::IsNotFound(names.status())) return absl::OkStatus();
  if (!names.ok()) return names.status();
  for (const std::string& n : *names) {
    const size_t dot = n.rfind('.');
    uint64_t at = 0;
    if (dot == std::string::npos || !ValidName(n.substr(0, dot)) || n.size() - dot - 1 != 20 ||
        !absl::SimpleAtoi(n.substr(dot + 1), &at) || at < seq) {
      continue;
    }
    absl::Status s = env.RemoveFile(dir + "/" + n);
    if (!s.ok() && !absl::IsNotFound(s)) return s;
  }
  return env.SyncDir(dir);
}

absl::StatusOr<std::pair<uint64_t, std::string>> CheckpointStore::Get(const std::string& name,
                                                                      uint64_t max_seq) const {
  auto seqs = List(name);
  if (!seqs.ok()) return seqs.status();
  auto warn = [this](const std::string& text) {
    if (place_.warn) place_.warn(text);
  };
  for (auto it = seqs->rbegin(); it != seqs->rend(); ++it) {
    if (*it > max_seq) continue;
    auto cp = ReadFile(name, *it);
    if (absl::IsNotFound(cp.status())) continue;  // pruned by another process meanwhile
    if (!cp.ok()) {
      warn(absl::StrCat("ignoring checkpoint: ", cp.status().message()));
      continue;
    }
    auto hash = log_.IntactHashAt(*it);
    if (!hash.ok()) return hash.status();
    if (!*hash || **hash != cp->event_hash) {
      warn(absl::StrCat("ignoring checkpoint ", PathOf(name, *it), ": it does not match event ", *it,
                        " of the log (folding from an earlier point)"));
      continue;
    }
    return std::make_pair(*it, std::move(cp->bytes));
  }
  return absl::NotFoundError(absl::StrCat("no checkpoint '", name, "' at or before ", max_seq));
}

}  // namespace orch

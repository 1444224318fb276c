// `orch recover`: the explicit repair of a store whose write-ahead log is
// damaged. Nothing here runs unless a person asks for it.
//
//   1. take the writer's lock; read every log (wal_damage.h)
//   2. copy the damaged logs to <store>/damaged/<time>/
//   3. let RocksDB replay what it can (kSkipAnyCorruptedRecords) and flush
//      it, which retires the damaged logs
//   4. put back the intact records RocksDB dropped after a bad one (it
//      drops the rest of a 32 KiB block): their events and index rows
//   5. name the loss: gaps in the sequence, plus events the damaged bytes
//      name beyond the last one kept; drop checkpoints and guard rows
//      folded from there on
//   6. append a store-recovered event naming the lost seqs, after the
//      highest seq ever handed out, so no seq is reused
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "eventstore/atomic_file.h"
#include "eventstore/key_format.h"
#include "eventstore/rocksdb_event_store.h"
#include "eventstore/sha256.h"
#include "eventstore/store_dir.h"
#include "eventstore/wal_damage.h"
#include "rocksdb/write_batch.h"

namespace orch {

namespace {

// Copies each damaged log into a fresh directory under <dir>/damaged/.
absl::StatusOr<std::string> PreserveLogs(Env& env, const std::string& dir,
                                         const std::vector<WalDamage>& damage, uint32_t file_mode,
                                         uint32_t dir_mode) {
  const std::string parent = dir + "/damaged";
  absl::Status made = env.CreateDir(parent, dir_mode);
  if (!made.ok() && !absl::IsAlreadyExists(made)) return made;
  const std::string target = absl::StrCat(
      parent, "/",
      absl::FormatTime("%Y%m%dT%H%M%SZ", absl::FromUnixNanos(env.NowNanos()), absl::UTCTimeZone()));
  made = env.CreateDir(target, dir_mode);
  if (!made.ok() && !absl::IsAlreadyExists(made)) return made;
  std::set<std::string> files;
  for (const auto& d : damage) files.insert(d.file);
  for (const std::string& f : files) {
    ORCH_ASSIGN_OR_RETURN(std::string bytes, env.ReadFile(dir + "/" + f));
    ORCH_RETURN_IF_ERROR(WriteFileAtomically(env, target + "/" + f, bytes, file_mode));
  }
  return target;
}

// The event, index and idempotency rows of a salvaged batch: what makes
// its events readable again. Head, guard and format rows are left out: the
// head is recomputed, guard rows are hints rebuilt from the log, and an
// older value must not overwrite a newer one.
bool RestorableKey(absl::string_view key) {
  if (key.empty()) return false;
  switch (key[0]) {
    case keys::kEventPrefix:
    case keys::kTaskPrefix:
    case keys::kTimePrefix:
    case keys::kTypePrefix:
    case keys::kIdempotencyPrefix:
      return true;
    default:
      return false;
  }
}

std::string BuildRecoveryEvent(const RecoveryReport& r) {
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<flatbuffers::Offset<flatbuffers::String>> ranges;
  for (size_t i = 0; i < r.lost.size();) {
    size_t j = i;
    while (j + 1 < r.lost.size() && r.lost[j + 1] == r.lost[j] + 1) ++j;
    ranges.push_back(
        fbb.CreateString(j == i ? absl::StrCat(r.lost[i]) : absl::StrCat(r.lost[i], "-", r.lost[j])));
    i = j + 1;
  }
  auto lost = fbb.CreateVector(ranges);
  auto damage = fbb.CreateString(r.damage);
  auto preserved = fbb.CreateString(r.preserved_in);
  auto payload = schema::CreateStoreRecovered(
      fbb, lost, r.lost_unknown ? static_cast<int64_t>(r.lost_after) : 0, damage, preserved);
  auto actor = fbb.CreateString("orch recover");
  std::string text;
  if (!r.lost.empty()) {
    text = absl::StrCat(r.lost.size() == 1 ? "event " : "events ", FormatSeqRanges(r.lost),
                        r.lost.size() == 1 ? " was" : " were", " lost to a damaged write-ahead log");
  } else if (r.lost_unknown) {
    text = absl::StrCat("events after seq ", r.lost_after,
                        " were lost to a damaged write-ahead log (count unknown)");
  } else {
    text = "a damaged write-ahead log was repaired; no event was lost";
  }
  auto note = fbb.CreateString(text);
  schema::EventBuilder eb(fbb);
  eb.add_actor(actor);
  eb.add_claim(schema::Claim::observed);
  eb.add_note(note);
  eb.add_payload_type(EventType::StoreRecovered);
  eb.add_payload(payload.Union());
  fbb.Finish(eb.Finish(), schema::RecordIdentifier());
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

}  // namespace

absl::Status RocksDbEventStore::DropGuardRowsFrom(uint64_t seq) {
  // A guard row's value starts with the seq of the head it was folded at
  // (key_format.h).
  rocksdb::WriteBatch drop;
  const std::string prefix(1, keys::kGuardPrefix);
  const std::string upper(1, keys::kGuardPrefix + 1);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().compare(upper) < 0; it->Next()) {
    const rocksdb::Slice v = it->value();
    if (v.size() < 8 || keys::GetBigEndian64(absl::string_view(v.data(), 8)) >= seq) drop.Delete(it->key());
  }
  ORCH_RETURN_IF_ERROR(FromDb(it->status(), "scan guard rows"));
  if (drop.Count() == 0) return absl::OkStatus();
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromDb(db_->Write(wo, &drop), "drop guard rows");
}

absl::Status RocksDbEventStore::RestoreSalvaged(const WalInspection& inspection, RecoveryReport* report) {
  // Intact records RocksDB dropped: put their events back.
  rocksdb::WriteBatch restore;
  std::vector<wal::BatchEntry> entries;
  for (const wal::Record& r : inspection.salvaged) {
    if (!wal::ParseBatch(r.batch, &entries)) continue;
    for (const auto& e : entries) {
      std::string existing;
      if (!e.put || !RestorableKey(e.key)) continue;
      if (db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(e.key.data(), e.key.size()), &existing).ok()) {
        continue;
      }
      restore.Put(rocksdb::Slice(e.key.data(), e.key.size()), rocksdb::Slice(e.value.data(), e.value.size()));
      if (e.key[0] == keys::kEventPrefix && e.key.size() == 9)
        report->salvaged.push_back(keys::TrailingSeq(e.key));
    }
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  if (restore.Count() > 0) ORCH_RETURN_IF_ERROR(FromDb(db_->Write(wo, &restore), "restore"));
  std::sort(report->salvaged.begin(), report->salvaged.end());
  return absl::OkStatus();
}

absl::Status RocksDbEventStore::ListPresent(std::vector<uint64_t>* present, std::string* last_hash) const {
  *last_hash = std::string(kHashSize, '\0');
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  const std::string upper(1, keys::kEventPrefix + 1);
  for (it->Seek(keys::Event(1)); it->Valid() && it->key().compare(upper) < 0; it->Next()) {
    present->push_back(keys::TrailingSeq(absl::string_view(it->key().data(), it->key().size())));
    if (it->value().size() >= kHashSize) *last_hash = it->value().ToString().substr(0, kHashSize);
  }
  return FromDb(it->status(), "scan");
}

void RocksDbEventStore::MeasureLoss(const std::vector<uint64_t>& present, const WalInspection& inspection,
                                    RecoveryReport* report) const {
  const uint64_t last = present.empty() ? 0 : present.back();
  std::set<uint64_t> lost;
  for (size_t i = 0, expect = 1; i < present.size(); expect = present[i] + 1, ++i) {
    for (uint64_t s = expect; s < present[i]; ++s) {
      if (!Acknowledged(s, s)) lost.insert(s);
    }
  }
  for (const WalDamage& d : inspection.damage) {
    for (uint64_t s : d.lost) {
      if (s > last) lost.insert(s);
    }
  }
  report->lost.assign(lost.begin(), lost.end());
  report->lost_unknown =
      report->lost.empty() && std::any_of(inspection.damage.begin(), inspection.damage.end(),
                                          [](const WalDamage& d) { return d.lost.empty(); });
  report->lost_after = last;
}

absl::Status RocksDbEventStore::DropDerivedPastLoss(const RecoveryReport& report, uint64_t last) {
  // Checkpoints and guard rows folded past the first loss hold events the
  // log no longer has: drop them (both are rebuilt from the log).
  const uint64_t first_lost = !report.lost.empty() ? report.lost.front() : report.lost_unknown ? last + 1 : 0;
  if (first_lost == 0) return absl::OkStatus();
  CheckpointStore::RemoveFrom(*env_, dir_, first_lost).IgnoreError();
  return DropGuardRowsFrom(first_lost);
}

absl::Status RocksDbEventStore::RecordRecovery(uint64_t last, const std::string& last_hash,
                                               RecoveryReport* report) {
  // The recovery record goes after every seq ever handed out.
  const uint64_t high = std::max(last, report->lost.empty() ? 0 : report->lost.back());
  {
    absl::MutexLock l(&head_mu_);
    head_ = Head{high, last_hash};
  }
  AppendRequest request;
  request.event = BuildRecoveryEvent(*report);
  ORCH_ASSIGN_OR_RETURN(std::vector<AppendResult> results,
                        AppendInternal({std::move(request)}, nullptr, /*recovery=*/true));
  report->recorded_seq = results[0].seq;
  return absl::OkStatus();
}

absl::StatusOr<RecoveryReport> RocksDbEventStore::Recover(const std::string& dir,
                                                          const StoreOptions& options) {
  if (options.env == nullptr) return absl::InvalidArgumentError("StoreOptions.env is required");
  StoreOptions o = options;
  o.allow_damaged = false;
  ORCH_ASSIGN_OR_RETURN(StoreModes modes, PrepareStoreDir(*o.env, dir, /*create=*/false, false));
  std::unique_ptr<RocksDbEventStore> store(
      new RocksDbEventStore(dir, o, /*follower=*/false, modes.file_mode, modes.dir_mode));
  RecoveryReport report;
  // The lock first: nobody appends while the logs are read and replaced.
  auto lock = o.env->LockFile(dir + "/" + kWriterLockFile, modes.file_mode, o.lock_timeout);
  if (!lock.ok()) {
    return absl::UnavailableError(
        absl::StrCat("store ", dir, " is in use by another process: ", lock.status().message()));
  }
  ORCH_ASSIGN_OR_RETURN(WalInspection inspection, InspectWals(dir));
  if (inspection.damage.empty()) {
    lock->reset();
    // Nothing in the logs: a plain open must work (or its error is not one
    // this verb can repair: say so).
    ORCH_RETURN_IF_ERROR(Open(dir, o, /*follower=*/false).status());
    return report;
  }
  report.damaged = true;
  report.damage = DescribeDamage(inspection.damage);
  ORCH_ASSIGN_OR_RETURN(report.preserved_in,
                        PreserveLogs(*o.env, dir, inspection.damage, modes.file_mode, modes.dir_mode));
  store->writer_lock_ = *std::move(lock);
  ORCH_RETURN_IF_ERROR(store->OpenDb(/*create=*/false, /*recovering=*/true));
  ORCH_RETURN_IF_ERROR(store->CheckFormat(false));
  ORCH_RETURN_IF_ERROR(store->LoadAcknowledged());

  ORCH_RETURN_IF_ERROR(store->RestoreSalvaged(inspection, &report));
  std::vector<uint64_t> present;
  std::string last_hash;
  ORCH_RETURN_IF_ERROR(store->ListPresent(&present, &last_hash));
  const uint64_t last = present.empty() ? 0 : present.back();
  store->MeasureLoss(present, inspection, &report);
  ORCH_RETURN_IF_ERROR(store->DropDerivedPastLoss(report, last));
  ORCH_RETURN_IF_ERROR(store->RecordRecovery(last, last_hash, &report));
  return report;
}

}  // namespace orch

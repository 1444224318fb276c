// Opening and closing the store: the writer's queue, readers as RocksDB
// secondaries, damage checks before RocksDB replays its logs, and the
// upkeep a short-lived writer does on its way out.
#include <algorithm>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "eventstore/key_format.h"
#include "eventstore/rocksdb_adapter.h"
#include "eventstore/rocksdb_event_store.h"
#include "eventstore/sha256.h"
#include "eventstore/store_dir.h"
#include "eventstore/wal_damage.h"
#include "rocksdb/options.h"

namespace orch {

namespace {

rocksdb::Options MakeOptions(bool create, bool follower, bool recovering, rocksdb::Env* env) {
  rocksdb::Options o;
  o.env = env;
  o.create_if_missing = create;
  o.info_log = MakeQuietRocksLogger();
  o.keep_log_file_num = 1;
  o.listeners.push_back(MakeNoAutoRecoveryListener());
  // An emit is one short process: flushing the recovered memtable to a new
  // SST on every open (RocksDB's default) costs syncs and wakes compaction.
  // Recovered WALs stay live instead; FlushIfManyWals bounds their number.
  // A recovery flushes, so the damaged logs it read past are retired.
  o.avoid_flush_during_recovery = !recovering;
  // A bad record in a log fails the open (the default, kPointInTimeRecovery,
  // stops replaying there and silently drops the rest); a record cut short
  // at the end of a file is a crash between write and sync and is dropped.
  // Recycled logs would blur the two: never recycle.
  o.wal_recovery_mode = recovering ? rocksdb::WALRecoveryMode::kSkipAnyCorruptedRecords
                                   : rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  o.recycle_log_file_num = 0;
  // Small memtables: a recovered WAL is replayed into memory on every open,
  // so its size bounds both open time and a reader's memory.
  o.write_buffer_size = 8 << 20;
  // Each flush of a few emits' memtable is a tiny level-0 file, and each
  // level-0 compaction rewrites level 1: compact less often.
  o.level0_file_num_compaction_trigger = 8;
  o.max_manifest_file_size = 4 << 20;
  o.skip_stats_update_on_db_open = true;
  o.skip_checking_sst_file_sizes_on_db_open = true;
  // A writer opens table files lazily: an emit reads a handful of keys, and
  // preloading every table (-1) costs a thread and an open per file. RocksDB
  // requires -1 for secondary instances.
  o.max_open_files = follower ? -1 : 256;
  o.max_file_opening_threads = 1;
  o.paranoid_checks = true;
  return o;
}

}  // namespace

absl::StatusOr<std::unique_ptr<EventStore>> OpenEventReader(const std::string& dir,
                                                            const StoreOptions& options) {
  ORCH_ASSIGN_OR_RETURN(auto store, RocksDbEventStore::Open(dir, options, /*follower=*/true));
  return std::unique_ptr<EventStore>(std::move(store));
}

absl::StatusOr<std::unique_ptr<EventWriter>> OpenEventWriter(const std::string& dir,
                                                             const StoreOptions& options) {
  ORCH_ASSIGN_OR_RETURN(auto store, RocksDbEventStore::Open(dir, options, /*follower=*/false));
  return std::unique_ptr<EventWriter>(std::move(store));
}

absl::StatusOr<RecoveryReport> RecoverStore(const std::string& dir, const StoreOptions& options) {
  return RocksDbEventStore::Recover(dir, options);
}

RocksDbEventStore::RocksDbEventStore(std::string dir, const StoreOptions& options, bool follower,
                                     uint32_t file_mode, uint32_t dir_mode)
    : dir_(std::move(dir)),
      options_(options),
      env_(options.env),
      follower_(follower),
      file_mode_(file_mode),
      dir_mode_(dir_mode),
      fs_(std::make_shared<EnvFileSystem>(options.env, file_mode)),
      rocks_env_(rocksdb::NewCompositeEnv(fs_)) {}

absl::StatusOr<std::unique_ptr<RocksDbEventStore>> RocksDbEventStore::Open(const std::string& dir,
                                                                           const StoreOptions& options,
                                                                           bool follower) {
  if (options.env == nullptr) return absl::InvalidArgumentError("StoreOptions.env is required");
  const bool create = options.create_if_missing && !follower;
  ORCH_ASSIGN_OR_RETURN(StoreModes modes, PrepareStoreDir(*options.env, dir, create, options.shared_group));
  std::error_code ec;
  const bool fresh = !std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec);
  std::unique_ptr<RocksDbEventStore> store(
      new RocksDbEventStore(dir, options, follower, modes.file_mode, modes.dir_mode));
  ORCH_RETURN_IF_ERROR(store->OpenDb(create, /*recovering=*/false));
  if (!store->follower_) ORCH_RETURN_IF_ERROR(store->FlushIfManyWals());
  ORCH_RETURN_IF_ERROR(store->CheckFormat(fresh));
  ORCH_RETURN_IF_ERROR(store->LoadHead());
  ORCH_RETURN_IF_ERROR(store->LoadAcknowledged());
  return store;
}

absl::Status RocksDbEventStore::OpenDb(bool create, bool recovering) {
  if (!follower_ && writer_lock_ == nullptr) {
    // Writers queue on a lock file of our own, taken before RocksDB's: the
    // kernel wakes the next waiter the moment the holder closes it.
    auto lock = env_->LockFile(dir_ + "/" + kWriterLockFile, file_mode_, options_.lock_timeout);
    if (absl::IsDeadlineExceeded(lock.status())) {
      return absl::UnavailableError(absl::StrCat(
          "store ", dir_, " is locked by another process for more than ",
          absl::FormatDuration(options_.lock_timeout), " (raise ORCH_LOCK_TIMEOUT or find the holder)"));
    }
    if (!lock.ok()) return lock.status();
    writer_lock_ = *std::move(lock);
    ORCH_RETURN_IF_ERROR(CheckFreeSpace());
  }
  if (!recovering) {
    // RocksDB takes a damaged length field in a log's last block for a torn
    // tail and drops the records after it without a word: look first.
    ORCH_ASSIGN_OR_RETURN(std::vector<WalDamage> damage, CheckWalTails(dir_));
    if (!damage.empty()) {
      return absl::DataLossError(absl::StrCat("store ", dir_, ": ", DescribeDamage(damage),
                                              "; nothing can be appended until `orch recover`"));
    }
  }
  const rocksdb::Options ro = MakeOptions(create, follower_, recovering, rocks_env_.get());
  rocksdb::Status s;
  rocksdb::DB* db = nullptr;
  if (follower_) {
    ORCH_RETURN_IF_ERROR(OpenReader(ro));
    return absl::OkStatus();
  }
  s = rocksdb::DB::Open(ro, dir_, &db);
  if (s.IsCorruption()) {
    auto inspection = InspectWals(dir_);
    if (inspection.ok() && !inspection->damage.empty()) {
      return absl::DataLossError(absl::StrCat("store ", dir_, ": ", DescribeDamage(inspection->damage),
                                              "; nothing can be appended until `orch recover`"));
    }
  }
  ORCH_RETURN_IF_ERROR(FromDb(s, absl::StrCat("open ", dir_)));
  db_.reset(db);
  return absl::OkStatus();
}

absl::Status RocksDbEventStore::OpenReader(const rocksdb::Options& ro) {
  auto reader_dir = MakeReaderDir(*env_, dir_, StoreModes{file_mode_, dir_mode_});
  rocksdb::DB* db = nullptr;
  rocksdb::Status s;
  if (!reader_dir.ok()) {
    // On a read-only filesystem no writer can change the store under us,
    // so RocksDB's read-only mode is safe (and the only one that works).
    if (!absl::StrContains(reader_dir.status().message(), "(EROFS)")) return reader_dir.status();
    s = rocksdb::DB::OpenForReadOnly(ro, dir_, &db);
  } else {
    reader_dir_ = *reader_dir;
    // A writer may delete a table file between the secondary reading the
    // manifest and opening the file: try again on a missing file.
    for (int attempt = 0; attempt < 5; ++attempt) {
      s = rocksdb::DB::OpenAsSecondary(ro, dir_, reader_dir_, &db);
      if (!s.IsPathNotFound() && !s.IsNotFound() && !s.IsIOError() && !s.IsTryAgain()) break;
    }
  }
  if (s.IsCorruption()) {
    auto inspection = InspectWals(dir_);
    if (inspection.ok() && !inspection->damage.empty()) {
      return absl::DataLossError(
          absl::StrCat("store ", dir_, ": ", DescribeDamage(inspection->damage), " (run `orch recover`)"));
    }
  }
  ORCH_RETURN_IF_ERROR(FromDb(s, absl::StrCat("open ", dir_)));
  db_.reset(db);
  return absl::OkStatus();
}

absl::Status RocksDbEventStore::FromDb(const rocksdb::Status& s, const std::string& context) const {
  if (s.ok()) return absl::OkStatus();
  absl::Status precise = fs_->TakeFirstError();
  if (absl::IsResourceExhausted(precise) || (!precise.ok() && s.IsNoSpace())) {
    if (absl::Status space = CheckFreeSpace(); !space.ok()) return space;
    return absl::ResourceExhaustedError(absl::StrCat(context, ": ", precise.message()));
  }
  if (!precise.ok()) return absl::Status(precise.code(), absl::StrCat(context, ": ", precise.message()));
  return FromRocks(s, context);
}

absl::Status RocksDbEventStore::CheckFreeSpace() const {
  auto free = env_->FreeSpace(dir_);
  if (!free.ok() || *free >= options_.min_free_bytes) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrCat("disk full: ", *free, " bytes free on ", dir_,
                                                   " (orch needs ", options_.min_free_bytes,
                                                   " to append safely)"));
}

RocksDbEventStore::~RocksDbEventStore() {
  if (db_) {
    if (!follower_) FinishCompactions();
    db_->Close();
    db_.reset();
  }
  writer_lock_.reset();  // after RocksDB let go: the next writer may start
  if (!reader_dir_.empty()) RemoveTree(reader_dir_);
}

void RocksDbEventStore::FinishCompactions() {
  // Close() cancels a running compaction. In a store opened by one short
  // process after another, that would cancel every compaction: level-0
  // files would pile up, slow every read and finally stall writes. So a
  // compaction this process started is allowed to finish (bounded, so a
  // wedged one cannot hold the store forever). A background error (a full
  // disk) stops all compactions: then there is nothing to wait for.
  const int64_t deadline = env_->NowNanos() + absl::ToInt64Nanoseconds(absl::Seconds(60));
  uint64_t running = 0, pending = 0, errors = 0;
  while (env_->NowNanos() < deadline) {
    if (!db_->GetIntProperty("rocksdb.num-running-compactions", &running) ||
        !db_->GetIntProperty("rocksdb.compaction-pending", &pending) || (running == 0 && pending == 0)) {
      return;
    }
    if (!db_->GetIntProperty("rocksdb.background-errors", &errors) || errors > 0) return;
    if (!CheckFreeSpace().ok()) return;
    env_->SleepForMicros(2000);
  }
}

absl::Status RocksDbEventStore::FlushIfManyWals() {
  // Each open starts a new WAL while the recovered ones stay live until their
  // data reaches an SST. One flush every few opens keeps the directory from
  // growing a file per open, at a fraction of the cost of flushing each time.
  // (Counted from the directory: GetSortedWalFiles races with RocksDB's own
  // purge of the WALs it just recovered.)
  constexpr size_t kMaxLiveWals = 8;
  constexpr uintmax_t kMaxWalBytes = 4 << 20;
  size_t wals = 0;
  uintmax_t bytes = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    if (entry.path().extension() != ".log") continue;
    ++wals;
    bytes += entry.file_size(ec);
  }
  if (wals <= kMaxLiveWals && bytes <= kMaxWalBytes) return absl::OkStatus();
  return FromDb(db_->Flush(rocksdb::FlushOptions()), absl::StrCat("flush ", dir_));
}

absl::Status RocksDbEventStore::CheckFormat(bool fresh) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::kFormat, &value);
  if (s.IsNotFound()) {
    if (follower_) return absl::OkStatus();
    rocksdb::WriteOptions wo;
    wo.sync = true;
    return FromDb(db_->Put(wo, keys::kFormat, std::to_string(kStoreFormatVersion)),
                  absl::StrCat("init ", dir_));
  }
  ORCH_RETURN_IF_ERROR(FromDb(s, absl::StrCat("read format of ", dir_)));
  int format = 0;
  if (!absl::SimpleAtoi(value, &format)) {
    return absl::DataLossError(absl::StrCat("store ", dir_, " has an unreadable format marker"));
  }
  if (format > kStoreFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat("store ", dir_, " has format ", format,
                                                      ", newer than this orch reads (up to ",
                                                      kStoreFormatVersion, "): upgrade orch"));
  }
  return absl::OkStatus();
}

absl::Status RocksDbEventStore::LoadHead() {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::kHead, &value);
  Head h;
  h.hash = std::string(kHashSize, '\0');
  if (s.ok()) {
    if (value.size() != 8 + kHashSize) return absl::DataLossError("head record is malformed");
    h.seq = keys::GetBigEndian64(value);
    h.hash = value.substr(8);
  } else if (!s.IsNotFound()) {
    return FromDb(s, "read head");
  }
  absl::MutexLock l(&head_mu_);
  head_ = h;
  return absl::OkStatus();
}

Head RocksDbEventStore::head() const {
  absl::MutexLock l(&head_mu_);
  return head_;
}

absl::Status RocksDbEventStore::CatchUp() {
  if (!follower_ || reader_dir_.empty()) return absl::OkStatus();
  // The writer may retire a file, or switch to a new manifest, between
  // the secondary reading the manifest and opening it ("TryAgain": "the
  // primary may have switched to a new MANIFEST"): the next try sees the
  // newer one.
  rocksdb::Status s;
  for (int attempt = 0; attempt < 5; ++attempt) {
    s = db_->TryCatchUpWithPrimary();
    if (!s.IsPathNotFound() && !s.IsNotFound() && !s.IsIOError() && !s.IsTryAgain()) break;
  }
  ORCH_RETURN_IF_ERROR(FromDb(s, "catch up"));
  ORCH_RETURN_IF_ERROR(LoadHead());
  return LoadAcknowledged();
}

}  // namespace orch

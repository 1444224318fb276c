// Opening the store and appending to it. Reads live in
// rocksdb_event_store_read.cc.
#include "eventstore/rocksdb_event_store.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "eventstore/key_format.h"
#include "eventstore/rocksdb_adapter.h"
#include "eventstore/sha256.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"

namespace orch {

namespace {

rocksdb::Options MakeOptions(bool create, bool follower) {
  rocksdb::Options o;
  o.create_if_missing = create;
  o.info_log = MakeQuietRocksLogger();
  o.keep_log_file_num = 1;
  // An emit is one short process: flushing the recovered memtable to a new
  // SST on every open (RocksDB's default) costs syncs and wakes compaction.
  // Recovered WALs stay live instead; FlushIfManyWals bounds their number.
  o.avoid_flush_during_recovery = true;
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

// Record = what the hash covers. Built in one place so append and verify agree.
std::string BuildRecord(uint64_t seq, uint64_t version, int64_t time_ns, absl::string_view prev_hash,
                        absl::string_view anomaly, absl::string_view event) {
  flatbuffers::FlatBufferBuilder fbb(event.size() + 128);
  auto prev = fbb.CreateVector(reinterpret_cast<const uint8_t*>(prev_hash.data()), prev_hash.size());
  auto anomaly_off = anomaly.empty() ? 0 : fbb.CreateString(anomaly.data(), anomaly.size());
  fbb.ForceVectorAlignment(event.size(), 1, 8);  // nested buffers need their own alignment
  auto ev = fbb.CreateVector(reinterpret_cast<const uint8_t*>(event.data()), event.size());
  schema::RecordBuilder rb(fbb);
  rb.add_seq(seq);
  rb.add_task_version(version);
  rb.add_time_ns(time_ns);
  rb.add_prev_hash(prev);
  if (!anomaly.empty()) rb.add_anomaly(anomaly_off);
  rb.add_event(ev);
  schema::FinishRecordBuffer(fbb, rb.Finish());
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

std::string StoredValue(const std::string& record) { return Sha256(record) + record; }

// The parts of a request the store needs, read from the verified Event.
struct Parsed {
  std::string task;
  uint8_t type = 0;
  std::string idempotency_key;
};

absl::StatusOr<Parsed> ParseRequest(const AppendRequest& r) {
  if (r.event.size() > kMaxEventBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "event of ", r.event.size(), " bytes is over the limit of ", kMaxEventBytes, " bytes (1 MiB)"));
  }
  flatbuffers::Verifier v(reinterpret_cast<const uint8_t*>(r.event.data()), r.event.size());
  if (!v.VerifyBuffer<schema::Event>(nullptr)) {
    return absl::InvalidArgumentError("event bytes are not a valid Event FlatBuffer");
  }
  const auto* e = flatbuffers::GetRoot<schema::Event>(r.event.data());
  Parsed p;
  p.task = std::string(LoggedEvent::Str(e->task()));
  p.idempotency_key = std::string(LoggedEvent::Str(e->idempotency_key()));
  p.type = static_cast<uint8_t>(e->payload_type());
  if (p.task.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("task id contains a NUL byte");
  }
  if (e->payload_type() == EventType::NONE ||
      static_cast<int>(e->payload_type()) > static_cast<int>(EventType::MAX)) {
    return absl::InvalidArgumentError(absl::StrCat("unknown event type #", p.type));
  }
  return p;
}

}  // namespace

absl::StatusOr<std::unique_ptr<EventStore>> EventStore::Open(const std::string& dir,
                                                             const StoreOptions& options) {
  return RocksDbEventStore::Open(dir, options);
}

absl::StatusOr<std::unique_ptr<EventStore>> RocksDbEventStore::Open(const std::string& dir,
                                                                    const StoreOptions& options) {
  if (options.env == nullptr) return absl::InvalidArgumentError("StoreOptions.env is required");
  std::error_code ec;
  const bool exists = std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec);
  if (!exists && !options.create_if_missing) {
    return absl::FailedPreconditionError(
        absl::StrCat("no orch store at ", dir, " (run `orch init`, or set --store / ORCH_STORE)"));
  }
  if (!exists) std::filesystem::create_directories(dir, ec);

  std::unique_ptr<RocksDbEventStore> store(new RocksDbEventStore(dir, options.env, options.follower));
  rocksdb::Options ro = MakeOptions(options.create_if_missing, options.follower);
  rocksdb::DB* db = nullptr;
  if (options.follower) {
    char tmpl[] = "/tmp/orch-follower-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return absl::InternalError("cannot create follower directory");
    store->secondary_dir_ = tmpl;
    ORCH_RETURN_IF_ERROR(FromRocks(rocksdb::DB::OpenAsSecondary(ro, dir, store->secondary_dir_, &db),
                                   absl::StrCat("open ", dir)));
  } else {
    // RocksDB admits one process per store: wait our turn, with jittered
    // backoff so 32 emitters do not retry in lockstep.
    const int64_t deadline = options.env->NowNanos() + absl::ToInt64Nanoseconds(options.lock_timeout);
    std::minstd_rand jitter(static_cast<unsigned>(getpid()));
    int64_t backoff_us = 200;
    while (true) {
      rocksdb::Status s = rocksdb::DB::Open(ro, dir, &db);
      if (s.ok()) break;
      if (!IsLockHeld(s)) return FromRocks(s, absl::StrCat("open ", dir));
      if (options.env->NowNanos() >= deadline) {
        return absl::UnavailableError(absl::StrCat(
            "store ", dir, " is locked by another process for more than ",
            absl::FormatDuration(options.lock_timeout), " (raise ORCH_LOCK_TIMEOUT or find the holder)"));
      }
      options.env->SleepForMicros(backoff_us + static_cast<int64_t>(jitter() % backoff_us));
      backoff_us = std::min<int64_t>(backoff_us * 2, 20000);
    }
  }
  store->db_.reset(db);
  if (!options.follower) ORCH_RETURN_IF_ERROR(store->FlushIfManyWals());
  ORCH_RETURN_IF_ERROR(store->CheckFormat(!exists));
  ORCH_RETURN_IF_ERROR(store->LoadHead());
  return std::unique_ptr<EventStore>(std::move(store));
}

RocksDbEventStore::~RocksDbEventStore() {
  if (db_) {
    if (!follower_) FinishCompactions();
    db_->Close();
    db_.reset();
  }
  if (!secondary_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(secondary_dir_, ec);
  }
}

void RocksDbEventStore::FinishCompactions() {
  // Close() cancels a running compaction. In a store opened by one short
  // process after another, that would cancel every compaction: level-0
  // files would pile up, slow every read and finally stall writes. So a
  // compaction this process started is allowed to finish (bounded, so a
  // wedged one cannot hold the store forever).
  const int64_t deadline = env_->NowNanos() + absl::ToInt64Nanoseconds(absl::Seconds(60));
  uint64_t running = 0, pending = 0;
  while (env_->NowNanos() < deadline) {
    if (!db_->GetIntProperty("rocksdb.num-running-compactions", &running) ||
        !db_->GetIntProperty("rocksdb.compaction-pending", &pending) || (running == 0 && pending == 0)) {
      return;
    }
    env_->SleepForMicros(2000);
  }
}

absl::Status RocksDbEventStore::FlushIfManyWals() {
  // Each open starts a new WAL while the recovered ones stay live until their
  // data reaches an SST. One flush every few opens keeps the directory from
  // growing a file per open, at a fraction of the cost of flushing each time.
  // (Counted from the directory: GetSortedWalFiles races with RocksDB's own
  // purge of the WALs it just recovered and logs spurious errors.)
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
  return FromRocks(db_->Flush(rocksdb::FlushOptions()), absl::StrCat("flush ", dir_));
}

absl::Status RocksDbEventStore::CheckFormat(bool fresh) {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::kFormat, &value);
  if (s.IsNotFound()) {
    if (follower_) return absl::OkStatus();
    rocksdb::WriteOptions wo;
    wo.sync = true;
    return FromRocks(db_->Put(wo, keys::kFormat, std::to_string(kStoreFormatVersion)),
                     absl::StrCat("init ", dir_));
  }
  ORCH_RETURN_IF_ERROR(FromRocks(s, absl::StrCat("read format of ", dir_)));
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
    return FromRocks(s, "read head");
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
  if (!follower_) return absl::OkStatus();
  ORCH_RETURN_IF_ERROR(FromRocks(db_->TryCatchUpWithPrimary(), "catch up"));
  return LoadHead();
}

absl::StatusOr<std::vector<AppendResult>> RocksDbEventStore::Append(std::vector<AppendRequest> batch,
                                                                    AppendGuard* guard) {
  if (follower_) return absl::FailedPreconditionError("a follower store cannot append");
  std::lock_guard<std::mutex> lock(append_mu_);
  const Head start = head();

  std::vector<Parsed> parsed;
  for (const auto& r : batch) {
    ORCH_ASSIGN_OR_RETURN(Parsed p, ParseRequest(r));
    parsed.push_back(std::move(p));
  }

  // Resolve idempotency, versions and positions before writing anything.
  std::vector<AppendResult> results(batch.size());
  std::vector<size_t> to_write;  // indexes into batch
  absl::flat_hash_map<std::string, uint64_t> versions;
  absl::flat_hash_map<std::string, size_t> keys_in_batch;
  std::vector<uint64_t> seq_of(batch.size()), version_of(batch.size());
  std::vector<int64_t> time_of(batch.size());
  std::vector<std::string> digest_of(batch.size());  // content digests, keyed events only
  uint64_t next_seq = start.seq + 1;
  for (size_t i = 0; i < batch.size(); ++i) {
    const Parsed& p = parsed[i];
    if (!p.idempotency_key.empty()) {
      const std::string& digest = digest_of[i] = Sha256(batch[i].event);
      if (auto it = keys_in_batch.find(p.idempotency_key); it != keys_in_batch.end()) {
        if (batch[it->second].event != batch[i].event) {
          return absl::AbortedError(absl::StrCat("idempotency key '", p.idempotency_key,
                                                 "' is used twice in one batch with other content"));
        }
        results[i].duplicate = true;
        results[i].seq = seq_of[it->second];
        results[i].version = version_of[it->second];
        continue;
      }
      std::string existing;
      rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::Idempotency(p.idempotency_key), &existing);
      if (s.ok()) {
        if (existing.size() != 8 + kHashSize) return absl::DataLossError("idempotency row is malformed");
        const uint64_t seq = keys::GetBigEndian64(existing);
        if (existing.substr(8) != digest) {
          return absl::AbortedError(absl::StrCat("idempotency key '", p.idempotency_key,
                                                 "' was already used for seq ", seq, " with other content"));
        }
        ORCH_ASSIGN_OR_RETURN(LoggedEvent first, Get(seq));
        results[i] = AppendResult{seq, first.task_version(), std::string(first.hash()), true,
                                  std::string(first.anomaly())};
        continue;
      }
      if (!s.IsNotFound()) return FromRocks(s, "read idempotency key");
      keys_in_batch[p.idempotency_key] = i;
    }
    uint64_t version = 0;
    if (!p.task.empty()) {
      auto it = versions.find(p.task);
      if (it == versions.end()) {
        ORCH_ASSIGN_OR_RETURN(uint64_t v, TaskVersion(p.task));
        it = versions.emplace(p.task, v).first;
      }
      if (batch[i].expected_version && *batch[i].expected_version != it->second) {
        return absl::AbortedError(absl::StrCat("task '", p.task, "' is at version ", it->second,
                                               ", expected ", *batch[i].expected_version));
      }
      version = ++it->second;
    } else if (batch[i].expected_version && *batch[i].expected_version != 0) {
      return absl::AbortedError("a project-level event has no task version to expect");
    }
    seq_of[i] = next_seq++;
    version_of[i] = version;
    time_of[i] = batch[i].at_ns ? *batch[i].at_ns : env_->NowNanos();
    to_write.push_back(i);
  }

  std::vector<std::string> anomalies(batch.size());
  std::vector<std::pair<std::string, std::string>> guard_state;
  if (guard != nullptr && !to_write.empty()) {
    std::vector<std::string> drafts;
    std::vector<LoggedEvent> pending;
    drafts.reserve(to_write.size());
    for (size_t i : to_write) {
      drafts.push_back(
          StoredValue(BuildRecord(seq_of[i], version_of[i], time_of[i], start.hash, "", batch[i].event)));
      ORCH_ASSIGN_OR_RETURN(LoggedEvent e, LoggedEvent::Parse(drafts.back()));
      pending.push_back(e.Own());
    }
    ORCH_ASSIGN_OR_RETURN(GuardOutcome outcome, guard->Check(*this, pending));
    for (size_t j = 0; j < to_write.size() && j < outcome.anomalies.size(); ++j) {
      anomalies[to_write[j]] = std::move(outcome.anomalies[j]);
    }
    guard_state = std::move(outcome.state);
  }

  // Rows are collected and written in key order: the memtable's skip list
  // inserts ascending keys far faster than keys hopping between the log and
  // its three indexes (measured: most of a batched append's time).
  std::vector<std::pair<std::string, std::string>> rows;
  rows.reserve(to_write.size() * 4 + guard_state.size() + 1);
  std::string prev = start.hash;
  uint64_t last_seq = start.seq;
  for (size_t i : to_write) {
    const Parsed& p = parsed[i];
    const std::string record =
        BuildRecord(seq_of[i], version_of[i], time_of[i], prev, anomalies[i], batch[i].event);
    const std::string hash = Sha256(record);
    std::string seq_value;
    keys::PutBigEndian64(&seq_value, seq_of[i]);
    rows.emplace_back(keys::Event(seq_of[i]), hash + record);
    if (!p.task.empty()) rows.emplace_back(keys::Task(p.task, version_of[i]), seq_value);
    rows.emplace_back(keys::Time(time_of[i], seq_of[i]), "");
    rows.emplace_back(keys::Type(p.type, seq_of[i]), "");
    if (!p.idempotency_key.empty()) {
      rows.emplace_back(keys::Idempotency(p.idempotency_key), seq_value + digest_of[i]);
    }
    results[i] = AppendResult{seq_of[i], version_of[i], hash, false, anomalies[i]};
    prev = hash;
    last_seq = seq_of[i];
  }
  // In-batch duplicates learn their first's hash now that it exists.
  for (size_t i = 0; i < batch.size(); ++i) {
    if (results[i].duplicate && results[i].hash.empty()) {
      const size_t first = keys_in_batch[parsed[i].idempotency_key];
      results[i].hash = results[first].hash;
      results[i].anomaly = results[first].anomaly;
    }
  }
  if (to_write.empty()) return results;

  std::string head_value;
  keys::PutBigEndian64(&head_value, last_seq);
  head_value += prev;
  // Guard rows are bound to the head they were derived with (key_format.h).
  for (const auto& [key, value] : guard_state) rows.emplace_back(keys::GuardState(key), head_value + value);
  rows.emplace_back(keys::kHead, head_value);
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  rocksdb::WriteBatch wb;
  for (const auto& [key, value] : rows) wb.Put(key, value);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  ORCH_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &wb), absl::StrCat("append to ", dir_)));
  absl::MutexLock l(&head_mu_);
  head_ = Head{last_seq, prev};
  return results;
}

}  // namespace orch

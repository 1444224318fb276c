// Appending to the store. Opening: rocksdb_event_store_open.cc; reads:
// rocksdb_event_store_read.cc; recovery: rocksdb_event_store_recover.cc.
#include "eventstore/rocksdb_event_store.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "eventstore/key_format.h"
#include "eventstore/sha256.h"
#include "rocksdb/write_batch.h"

namespace orch {

namespace {

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

absl::StatusOr<Parsed> ParseRequest(const AppendRequest& r, bool recovery) {
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
  if (e->payload_type() == EventType::StoreRecovered && !recovery) {
    return absl::InvalidArgumentError("store-recovered events are written only by `orch recover`");
  }
  return p;
}

}  // namespace

absl::StatusOr<std::vector<AppendResult>> RocksDbEventStore::Append(std::vector<AppendRequest> batch,
                                                                    AppendGuard* guard) {
  return AppendInternal(std::move(batch), guard, /*recovery=*/false);
}

absl::StatusOr<std::vector<AppendResult>> RocksDbEventStore::AppendInternal(std::vector<AppendRequest> batch,
                                                                            AppendGuard* guard,
                                                                            bool recovery) {
  if (follower_) return absl::FailedPreconditionError("a store opened for reading cannot append");
  std::lock_guard<std::mutex> lock(append_mu_);
  const Head start = head();

  std::vector<Parsed> parsed;
  for (const auto& r : batch) {
    ORCH_ASSIGN_OR_RETURN(Parsed p, ParseRequest(r, recovery));
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
      if (!s.IsNotFound()) return FromDb(s, "read idempotency key");
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
  ORCH_RETURN_IF_ERROR(FromDb(db_->Write(wo, &wb), absl::StrCat("append to ", dir_)));
  absl::MutexLock l(&head_mu_);
  head_ = Head{last_seq, prev};
  return results;
}

}  // namespace orch

// Appending to the store. Opening: rocksdb_event_store_open.cc; reads:
// rocksdb_event_store_read.cc; recovery: rocksdb_event_store_recover.cc.
#include "eventstore/rocksdb_event_store.h"

#include <algorithm>
#include <condition_variable>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "eventstore/key_format.h"
#include "eventstore/record_builder.h"
#include "eventstore/sha256.h"
#include "rocksdb/write_batch.h"
#include "schema/fb_string.h"

namespace orch {

namespace {

std::string StoredValue(const std::string& record) { return Sha256(record) + record; }

// seq(8, big-endian) hash(32): the head row, and the binding of guard rows.
std::string HeadValue(const Head& h) {
  std::string v;
  keys::PutBigEndian64(&v, h.seq);
  v += h.hash;
  return v;
}

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
  p.task = std::string(FbStr(e->task()));
  p.idempotency_key = std::string(FbStr(e->idempotency_key()));
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

// One caller waiting in the writers' queue (the LevelDB pattern): the front
// writer leads, takes the compatible writers behind it, writes them all in
// one synced WriteBatch and wakes each with its own result.
struct RocksDbEventStore::Writer {
  std::vector<AppendRequest> batch;
  AppendGuard* guard = nullptr;
  bool recovery = false;
  std::vector<Parsed> parsed;
  // What decides whether two batches may share a group: a check of one must
  // not depend on the other (see Compatible).
  absl::flat_hash_set<std::string> tasks, keys;
  std::vector<EventType> project_types;  // types of its task-less events
  bool alone = false;                    // its guard reads the whole log for one of its events
  size_t events = 0;

  bool done = false;
  absl::StatusOr<std::vector<AppendResult>> result;
  std::vector<AppendResult> results;  // filled by PrepareWriter
  std::condition_variable cv;
};

namespace {

// Largest group: a leader's write stays a few MiB at most.
constexpr size_t kMaxGroupEvents = 1024;

// Whether `w` can be checked on top of the log as it was before `group`
// without seeing the group's events, and the group's checks without seeing
// w's: no task or idempotency key in common, no task-less event that a
// guard on the other side reads (AppendGuard::ReadsProjectEvent), and no
// batch whose guard reads the whole log (AppendGuard::ReadsWholeLog). A
// guard still sees the group's committed predecessors and its own batch.
template <typename W>
bool Compatible(const std::vector<W*>& group, const W& w) {
  size_t events = w.events;
  if (w.alone) return false;
  for (const W* g : group) {
    if (g->recovery || g->alone) return false;
    events += g->events;
    for (const std::string& t : w.tasks)
      if (g->tasks.contains(t)) return false;
    for (const std::string& k : w.keys)
      if (g->keys.contains(k)) return false;
    for (EventType type : w.project_types)
      if (g->guard != nullptr && g->guard->ReadsProjectEvent(type)) return false;
    for (EventType type : g->project_types)
      if (w.guard != nullptr && w.guard->ReadsProjectEvent(type)) return false;
  }
  return !w.recovery && events <= kMaxGroupEvents;
}

}  // namespace

absl::StatusOr<std::vector<AppendResult>> RocksDbEventStore::AppendInternal(std::vector<AppendRequest> batch,
                                                                            AppendGuard* guard,
                                                                            bool recovery) {
  if (follower_) return absl::FailedPreconditionError("a store opened for reading cannot append");
  Writer w;
  w.guard = guard;
  w.recovery = recovery;
  for (const auto& r : batch) {
    ORCH_ASSIGN_OR_RETURN(Parsed p, ParseRequest(r, recovery));
    if (!p.task.empty()) w.tasks.insert(p.task);
    if (p.task.empty()) w.project_types.push_back(static_cast<EventType>(p.type));
    if (!p.idempotency_key.empty()) w.keys.insert(p.idempotency_key);
    if (guard != nullptr && guard->ReadsWholeLog(static_cast<EventType>(p.type))) w.alone = true;
    w.parsed.push_back(std::move(p));
  }
  w.events = batch.size();
  w.batch = std::move(batch);

  std::unique_lock<std::mutex> l(queue_mu_);
  writers_.push_back(&w);
  if (on_writer_queued_) on_writer_queued_(writers_.size());
  while (!w.done && &w != writers_.front()) w.cv.wait(l);
  if (w.done) return std::move(w.result);

  // The leader: the writers queued behind it that fit, in queue order (the
  // log's order). Later arrivals wait for the next group.
  std::vector<Writer*> group{&w};
  for (size_t i = 1; i < writers_.size() && Compatible(group, *writers_[i]); ++i)
    group.push_back(writers_[i]);
  l.unlock();
  CommitGroup(group);
  l.lock();
  for (Writer* g : group) {
    writers_.pop_front();
    if (g != &w) {
      g->done = true;
      g->cv.notify_one();
    }
  }
  if (!writers_.empty()) writers_.front()->cv.notify_one();
  return std::move(w.result);
}

void RocksDbEventStore::CommitGroup(const std::vector<Writer*>& group) {
  std::lock_guard<std::mutex> lock(append_mu_);
  Head running = head();
  std::vector<std::pair<std::string, std::string>> rows;
  std::vector<Writer*> written;  // writers whose rows are in this write
  for (Writer* g : group) {
    const uint64_t before = running.seq;
    std::vector<std::pair<std::string, std::string>> guard_rows;
    absl::Status s = PrepareWriter(*g, &running, &rows, &guard_rows);
    if (!s.ok()) {
      g->result = s;  // refused alone: the others are unaffected
    } else if (running.seq == before) {
      g->result = std::move(g->results);  // duplicates only: nothing to write
    } else {
      // A guard row is bound to the head after its OWN batch (key_format.h),
      // the seq its content covers, not to the group's head: a later batch
      // of the group is not in it, and `orch verify` recomputes each row
      // at the seq it is bound to.
      const std::string bound = HeadValue(running);
      for (auto& [key, value] : guard_rows) rows.emplace_back(keys::GuardState(key), bound + value);
      written.push_back(g);
    }
  }
  if (written.empty()) return;
  // A long-lived writer (orch serve) checks the room it checked at open
  // before every write, so an append meets a full disk as a direct one does.
  if (absl::Status space = CheckFreeSpace(); !space.ok()) {
    for (Writer* g : written) g->result = space;
    return;
  }

  rows.emplace_back(keys::kHead, HeadValue(running));
  // Rows are written in key order: the memtable's skip list inserts
  // ascending keys far faster than keys hopping between the log and its
  // three indexes (measured: most of a batched append's time).
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  rocksdb::WriteBatch wb;
  for (const auto& [key, value] : rows) wb.Put(key, value);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  absl::Status s = FromDb(db_->Write(wo, &wb), absl::StrCat("append to ", dir_));
  if (s.ok()) {
    absl::MutexLock l(&head_mu_);
    head_ = running;
  }
  for (Writer* g : written) {
    if (s.ok()) {
      g->result = std::move(g->results);
    } else {
      g->result = s;
    }
  }
}

// What PrepareWriter resolves for one batch before anything is written:
// which events are new (to_write) and where they go; duplicates' results.
struct RocksDbEventStore::BatchPlan {
  explicit BatchPlan(size_t n) : results(n), seq_of(n), version_of(n), time_of(n), digest_of(n) {}
  std::vector<AppendResult> results;
  std::vector<size_t> to_write;  // indexes into the batch
  absl::flat_hash_map<std::string, size_t> keys_in_batch;
  absl::flat_hash_map<std::string, uint64_t> versions;  // per task, as it runs
  std::vector<uint64_t> seq_of, version_of;
  std::vector<int64_t> time_of;
  std::vector<std::string> digest_of;  // content digests, keyed events only
};

absl::StatusOr<bool> RocksDbEventStore::ResolveKey(const Writer& w, size_t i, BatchPlan* plan) const {
  const Parsed& p = w.parsed[i];
  const std::vector<AppendRequest>& batch = w.batch;
  const std::string& digest = plan->digest_of[i] = Sha256(batch[i].event);
  if (auto it = plan->keys_in_batch.find(p.idempotency_key); it != plan->keys_in_batch.end()) {
    if (batch[it->second].event != batch[i].event) {
      return absl::AbortedError(absl::StrCat("idempotency key '", p.idempotency_key,
                                             "' is used twice in one batch with other content"));
    }
    plan->results[i].duplicate = true;
    plan->results[i].seq = plan->seq_of[it->second];
    plan->results[i].version = plan->version_of[it->second];
    return true;
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
    plan->results[i] = AppendResult{seq, first.task_version(), std::string(first.hash()), true,
                                    std::string(first.anomaly())};
    return true;
  }
  if (!s.IsNotFound()) return FromDb(s, "read idempotency key");
  plan->keys_in_batch[p.idempotency_key] = i;
  return false;
}

absl::StatusOr<RocksDbEventStore::BatchPlan> RocksDbEventStore::ResolveBatch(const Writer& w,
                                                                             const Head& start) const {
  const std::vector<AppendRequest>& batch = w.batch;
  BatchPlan plan(batch.size());
  uint64_t next_seq = start.seq + 1;
  for (size_t i = 0; i < batch.size(); ++i) {
    const Parsed& p = w.parsed[i];
    if (!p.idempotency_key.empty()) {
      ORCH_ASSIGN_OR_RETURN(bool duplicate, ResolveKey(w, i, &plan));
      if (duplicate) continue;
    }
    uint64_t version = 0;
    if (!p.task.empty()) {
      auto it = plan.versions.find(p.task);
      if (it == plan.versions.end()) {
        ORCH_ASSIGN_OR_RETURN(uint64_t v, TaskVersion(p.task));
        it = plan.versions.emplace(p.task, v).first;
      }
      if (batch[i].expected_version && *batch[i].expected_version != it->second) {
        return absl::AbortedError(absl::StrCat("task '", p.task, "' is at version ", it->second,
                                               ", expected ", *batch[i].expected_version));
      }
      version = ++it->second;
    } else if (batch[i].expected_version && *batch[i].expected_version != 0) {
      return absl::AbortedError("a project-level event has no task version to expect");
    }
    plan.seq_of[i] = next_seq++;
    plan.version_of[i] = version;
    plan.time_of[i] = batch[i].at_ns ? *batch[i].at_ns : env_->NowNanos();
    plan.to_write.push_back(i);
  }
  return plan;
}

absl::Status RocksDbEventStore::CheckWithGuard(
    const Writer& w, const Head& start, const BatchPlan& plan, std::vector<std::string>* anomalies,
    std::vector<std::pair<std::string, std::string>>* guard_state) {
  if (w.guard == nullptr || plan.to_write.empty()) return absl::OkStatus();
  std::vector<std::string> drafts;
  std::vector<LoggedEvent> pending;
  drafts.reserve(plan.to_write.size());
  for (size_t i : plan.to_write) {
    drafts.push_back(StoredValue(
        BuildRecord(plan.seq_of[i], plan.version_of[i], plan.time_of[i], start.hash, "", w.batch[i].event)));
    ORCH_ASSIGN_OR_RETURN(LoggedEvent e, LoggedEvent::Parse(drafts.back()));
    pending.push_back(e.Own());
  }
  ORCH_ASSIGN_OR_RETURN(GuardOutcome outcome, w.guard->Check(*this, pending));
  for (size_t j = 0; j < plan.to_write.size() && j < outcome.anomalies.size(); ++j) {
    (*anomalies)[plan.to_write[j]] = std::move(outcome.anomalies[j]);
  }
  *guard_state = std::move(outcome.state);
  return absl::OkStatus();
}

Head RocksDbEventStore::AddRows(const Writer& w, const Head& start, const std::vector<std::string>& anomalies,
                                BatchPlan* plan, std::vector<std::pair<std::string, std::string>>* rows) {
  std::string prev = start.hash;
  uint64_t last_seq = start.seq;
  for (size_t i : plan->to_write) {
    const Parsed& p = w.parsed[i];
    const uint64_t seq = plan->seq_of[i], version = plan->version_of[i];
    const std::string record =
        BuildRecord(seq, version, plan->time_of[i], prev, anomalies[i], w.batch[i].event);
    const std::string hash = Sha256(record);
    std::string seq_value;
    keys::PutBigEndian64(&seq_value, seq);
    rows->emplace_back(keys::Event(seq), hash + record);
    if (!p.task.empty()) rows->emplace_back(keys::Task(p.task, version), seq_value);
    rows->emplace_back(keys::Time(plan->time_of[i], seq), "");
    rows->emplace_back(keys::Type(p.type, seq), "");
    if (!p.idempotency_key.empty()) {
      rows->emplace_back(keys::Idempotency(p.idempotency_key), seq_value + plan->digest_of[i]);
    }
    plan->results[i] = AppendResult{seq, version, hash, false, anomalies[i]};
    prev = hash;
    last_seq = seq;
  }
  // In-batch duplicates learn their first's hash now that it exists.
  for (size_t i = 0; i < w.batch.size(); ++i) {
    if (plan->results[i].duplicate && plan->results[i].hash.empty()) {
      const size_t first = plan->keys_in_batch[w.parsed[i].idempotency_key];
      plan->results[i].hash = plan->results[first].hash;
      plan->results[i].anomaly = plan->results[first].anomaly;
    }
  }
  return Head{last_seq, prev};
}

absl::Status RocksDbEventStore::PrepareWriter(Writer& w, Head* running,
                                              std::vector<std::pair<std::string, std::string>>* out_rows,
                                              std::vector<std::pair<std::string, std::string>>* out_guard) {
  const Head start = *running;
  // Resolve idempotency, versions and positions before writing anything.
  ORCH_ASSIGN_OR_RETURN(BatchPlan plan, ResolveBatch(w, start));
  std::vector<std::string> anomalies(w.batch.size());
  std::vector<std::pair<std::string, std::string>> guard_state;
  ORCH_RETURN_IF_ERROR(CheckWithGuard(w, start, plan, &anomalies, &guard_state));
  std::vector<std::pair<std::string, std::string>> rows;
  rows.reserve(plan.to_write.size() * 4);
  const Head end = AddRows(w, start, anomalies, &plan, &rows);
  for (auto& row : rows) out_rows->push_back(std::move(row));
  for (auto& row : guard_state) out_guard->push_back(std::move(row));
  *running = end;
  w.results = std::move(plan.results);
  return absl::OkStatus();
}

}  // namespace orch

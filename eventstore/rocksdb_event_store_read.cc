// Reading the log: scans through the indexes, point reads, verify and
// checkpoints.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/status_macros.h"
#include "eventstore/key_format.h"
#include "eventstore/rocksdb_adapter.h"
#include "eventstore/rocksdb_event_store.h"
#include "eventstore/sha256.h"
#include "rocksdb/write_batch.h"

namespace orch {

namespace {

bool TypeMatches(const EventQuery& q, EventType t) {
  return q.types.empty() || std::find(q.types.begin(), q.types.end(), t) != q.types.end();
}

bool Matches(const EventQuery& q, const LoggedEvent& e) {
  if (e.seq() < q.from_seq || e.seq() > q.to_seq) return false;
  if (q.task && e.task() != *q.task) return false;
  if (q.since_ns && e.time_ns() < *q.since_ns) return false;
  if (q.until_ns && e.time_ns() >= *q.until_ns) return false;
  return TypeMatches(q, e.type());
}

// Iterates keys in [lower, upper) calling fn(key) until it returns false.
absl::Status ForEachKey(rocksdb::DB* db, const std::string& lower, const std::string& upper,
                        const std::function<bool(absl::string_view, absl::string_view)>& fn) {
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
  for (it->Seek(lower); it->Valid(); it->Next()) {
    if (!fn(absl::string_view(it->key().data(), it->key().size()),
            absl::string_view(it->value().data(), it->value().size()))) {
      break;
    }
  }
  return FromRocks(it->status(), "scan");
}

std::string PrefixEnd(std::string prefix) {
  // Smallest key greater than every key with this prefix (prefixes here never end in 0xff).
  prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

}  // namespace

absl::StatusOr<std::vector<LoggedEvent>> EventStore::Read(const EventQuery& query) const {
  std::vector<LoggedEvent> out;
  ORCH_RETURN_IF_ERROR(Scan(query, [&out](const LoggedEvent& e) {
    out.push_back(e.Own());
    return true;
  }));
  return out;
}

absl::StatusOr<LoggedEvent> RocksDbEventStore::Get(uint64_t seq) const {
  std::string value;
  ORCH_RETURN_IF_ERROR(
      FromRocks(db_->Get(rocksdb::ReadOptions(), keys::Event(seq), &value), absl::StrCat("event ", seq)));
  ORCH_ASSIGN_OR_RETURN(LoggedEvent e, LoggedEvent::Parse(value));
  return e.Own();
}

absl::StatusOr<uint64_t> RocksDbEventStore::TaskVersion(const std::string& task) const {
  const std::string prefix = keys::TaskPrefix(task);
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  it->SeekForPrev(PrefixEnd(prefix));
  ORCH_RETURN_IF_ERROR(FromRocks(it->status(), "task version"));
  if (!it->Valid() || !it->key().starts_with(prefix)) return 0;
  return keys::GetBigEndian64(absl::string_view(it->key().data() + prefix.size(), 8));
}

absl::StatusOr<std::vector<uint64_t>> RocksDbEventStore::SeqsFromIndex(const EventQuery& q) const {
  std::vector<uint64_t> seqs;
  auto in_range = [&q](uint64_t s) { return s >= q.from_seq && s <= q.to_seq; };
  if (q.task) {
    const std::string prefix = keys::TaskPrefix(*q.task);
    ORCH_RETURN_IF_ERROR(
        ForEachKey(db_.get(), prefix, PrefixEnd(prefix), [&](absl::string_view, absl::string_view v) {
          const uint64_t s = keys::GetBigEndian64(v);
          if (in_range(s)) seqs.push_back(s);
          return s <= q.to_seq;
        }));
    return seqs;  // versions grow with seq: already sorted
  }
  if (q.since_ns || q.until_ns) {
    const std::string lower = keys::Time(q.since_ns.value_or(INT64_MIN), 0);
    const std::string upper = q.until_ns ? keys::Time(*q.until_ns, 0) : std::string(1, keys::kTimePrefix + 1);
    ORCH_RETURN_IF_ERROR(ForEachKey(db_.get(), lower, upper, [&](absl::string_view k, absl::string_view) {
      const uint64_t s = keys::TrailingSeq(k);
      if (in_range(s)) seqs.push_back(s);
      return true;
    }));
  } else {
    for (EventType t : q.types) {
      const uint8_t type = static_cast<uint8_t>(t);
      const uint64_t from = std::max<uint64_t>(q.from_seq, 1);
      const std::string upper = q.to_seq == UINT64_MAX
                                    ? PrefixEnd(std::string{keys::kTypePrefix, static_cast<char>(type)})
                                    : keys::Type(type, q.to_seq + 1);
      ORCH_RETURN_IF_ERROR(
          ForEachKey(db_.get(), keys::Type(type, from), upper, [&](absl::string_view k, absl::string_view) {
            seqs.push_back(keys::TrailingSeq(k));
            return true;
          }));
    }
  }
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  return seqs;
}

absl::Status RocksDbEventStore::VisitSeqs(const std::vector<uint64_t>& seqs, const EventQuery& q,
                                          const std::function<bool(const LoggedEvent&)>& visit) const {
  std::string value;
  for (uint64_t seq : seqs) {
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::Event(seq), &value);
    if (s.IsNotFound()) {
      return absl::DataLossError(
          absl::StrCat("index names event ", seq, " but it is missing (run orch verify)"));
    }
    ORCH_RETURN_IF_ERROR(FromRocks(s, absl::StrCat("event ", seq)));
    ORCH_ASSIGN_OR_RETURN(LoggedEvent e, LoggedEvent::Parse(value));
    if (!Matches(q, e)) continue;
    if (!visit(e)) break;
  }
  return absl::OkStatus();
}

absl::Status RocksDbEventStore::Scan(const EventQuery& q,
                                     const std::function<bool(const LoggedEvent&)>& visit) const {
  if (q.task || q.since_ns || q.until_ns || !q.types.empty()) {
    ORCH_ASSIGN_OR_RETURN(std::vector<uint64_t> seqs, SeqsFromIndex(q));
    return VisitSeqs(seqs, q, visit);
  }
  // Plain sequence range: walk the log itself.
  const std::string lower = keys::Event(std::max<uint64_t>(q.from_seq, 1));
  const std::string upper =
      q.to_seq == UINT64_MAX ? std::string(1, keys::kEventPrefix + 1) : keys::Event(q.to_seq + 1);
  absl::Status inner;
  ORCH_RETURN_IF_ERROR(ForEachKey(db_.get(), lower, upper, [&](absl::string_view, absl::string_view v) {
    auto e = LoggedEvent::Parse(v);
    if (!e.ok()) {
      inner = e.status();
      return false;
    }
    return visit(*e);
  }));
  return inner;
}

absl::StatusOr<VerifyReport> RocksDbEventStore::Verify(const std::function<void(uint64_t)>& progress) const {
  VerifyReport report;
  std::string prev(kHashSize, '\0');
  uint64_t expect = 1;
  auto fail = [&report](uint64_t seq, std::string problem) {
    report.first_bad_seq = seq;
    report.problem = std::move(problem);
    return false;
  };
  ORCH_RETURN_IF_ERROR(ForEachKey(
      db_.get(), keys::Event(1), std::string(1, keys::kEventPrefix + 1),
      [&](absl::string_view k, absl::string_view v) {
        const uint64_t seq = keys::TrailingSeq(k);
        if (seq != expect)
          return fail(expect, absl::StrCat("event ", expect, " is missing (next present is ", seq, ")"));
        auto e = LoggedEvent::Parse(v);
        if (!e.ok()) return fail(seq, absl::StrCat("event ", seq, " is unreadable: ", e.status().message()));
        if (e->seq() != seq)
          return fail(seq, absl::StrCat("event stored at ", seq, " says it is ", e->seq()));
        if (Sha256(e->record_bytes()) != e->hash()) {
          return fail(seq, absl::StrCat("event ", seq, " was changed: its bytes do not match its hash"));
        }
        if (e->prev_hash() != prev) {
          return fail(seq, absl::StrCat("event ", seq, " does not chain to event ", seq - 1));
        }
        prev = std::string(e->hash());
        ++report.checked;
        ++expect;
        if (progress && report.checked % 100000 == 0) progress(report.checked);
        return true;
      }));
  if (!report.intact()) return report;
  const Head h = head();
  if (h.seq != expect - 1) {
    report.first_bad_seq = expect;
    report.problem = absl::StrCat("log ends at event ", expect - 1, " but the head says ", h.seq,
                                  h.seq > expect - 1 ? ": events were removed" : "");
    return report;
  }
  if (h.hash != prev) {
    report.first_bad_seq = h.seq;
    report.problem = absl::StrCat("head hash does not match event ", h.seq);
    return report;
  }
  rocksdb::Status s = db_->VerifyChecksum();
  if (!s.ok()) report.problem = absl::StrCat("RocksDB checksum check failed: ", s.ToString());
  return report;
}

absl::StatusOr<std::optional<std::pair<uint64_t, std::string>>> RocksDbEventStore::Unbind(
    absl::string_view value) const {
  if (value.size() < 8 + kHashSize) return std::nullopt;
  const uint64_t seq = keys::GetBigEndian64(value);
  if (seq == 0 || seq > head().seq) return std::nullopt;
  std::string event;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::Event(seq), &event);
  if (s.IsNotFound()) return std::nullopt;
  ORCH_RETURN_IF_ERROR(FromRocks(s, absl::StrCat("event ", seq)));
  // The stored event value starts with the event's hash.
  if (event.size() < kHashSize ||
      absl::string_view(event).substr(0, kHashSize) != value.substr(8, kHashSize)) {
    return std::nullopt;
  }
  return std::make_pair(seq, std::string(value.substr(8 + kHashSize)));
}

absl::StatusOr<std::string> RocksDbEventStore::GetGuardState(const std::string& key) const {
  std::string value;
  ORCH_RETURN_IF_ERROR(FromRocks(db_->Get(rocksdb::ReadOptions(), keys::GuardState(key), &value),
                                 absl::StrCat("guard state '", key, "'")));
  ORCH_ASSIGN_OR_RETURN(auto bound, Unbind(value));
  if (!bound) return absl::NotFoundError(absl::StrCat("guard state '", key, "' is not bound to the chain"));
  return std::move(bound->second);
}

absl::Status RocksDbEventStore::ScanGuardStates(
    const std::function<bool(const std::string&, const std::string&, uint64_t)>& visit) const {
  const std::string prefix(1, keys::kGuardPrefix);
  absl::Status inner;
  ORCH_RETURN_IF_ERROR(
      ForEachKey(db_.get(), prefix, PrefixEnd(prefix), [&](absl::string_view k, absl::string_view v) {
        const std::string key(k.substr(1));
        auto bound = Unbind(v);
        if (!bound.ok()) {
          inner = bound.status();
          return false;
        }
        if (!*bound) return visit(key, std::string(v), 0);
        return visit(key, (*bound)->second, (*bound)->first);
      }));
  return inner;
}

absl::StatusOr<std::vector<uint64_t>> RocksDbEventStore::ListCheckpoints(const std::string& name) const {
  std::vector<uint64_t> seqs;
  const std::string prefix = keys::CheckpointPrefix(name);
  ORCH_RETURN_IF_ERROR(ForEachKey(db_.get(), prefix, PrefixEnd(prefix),
                                  [&seqs, &prefix](absl::string_view k, absl::string_view) {
                                    if (k.size() == prefix.size() + 8) seqs.push_back(keys::TrailingSeq(k));
                                    return true;
                                  }));
  return seqs;
}

absl::Status RocksDbEventStore::PutCheckpoint(const std::string& name, uint64_t seq,
                                              const std::string& bytes) {
  if (follower_) return absl::FailedPreconditionError("a follower store cannot write checkpoints");
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(db_->Put(wo, keys::Checkpoint(name, seq), bytes), "write checkpoint");
}

absl::Status RocksDbEventStore::PruneCheckpoints(const std::string& name, uint64_t before_seq, size_t keep) {
  if (follower_) return absl::FailedPreconditionError("a follower store cannot prune checkpoints");
  std::vector<std::string> older;
  const std::string prefix = keys::CheckpointPrefix(name);
  ORCH_RETURN_IF_ERROR(ForEachKey(db_.get(), prefix, keys::Checkpoint(name, before_seq),
                                  [&older](absl::string_view k, absl::string_view) {
                                    older.emplace_back(k);
                                    return true;
                                  }));
  if (older.size() <= keep) return absl::OkStatus();
  rocksdb::WriteBatch wb;
  for (size_t i = 0; i + keep < older.size(); ++i) wb.Delete(older[i]);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(db_->Write(wo, &wb), "prune checkpoints");
}

absl::StatusOr<std::pair<uint64_t, std::string>> RocksDbEventStore::GetCheckpoint(const std::string& name,
                                                                                  uint64_t max_seq) const {
  const std::string prefix = keys::CheckpointPrefix(name);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  it->SeekForPrev(keys::Checkpoint(name, max_seq));
  ORCH_RETURN_IF_ERROR(FromRocks(it->status(), "read checkpoint"));
  if (!it->Valid() || !it->key().starts_with(prefix)) {
    return absl::NotFoundError(absl::StrCat("no checkpoint '", name, "' at or before ", max_seq));
  }
  return std::make_pair(keys::TrailingSeq(absl::string_view(it->key().data(), it->key().size())),
                        it->value().ToString());
}

}  // namespace orch

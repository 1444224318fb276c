// Reading the log: scans through the indexes, point reads (each record's
// hash recomputed, a sequential scan's links and continuity checked),
// verify, acknowledged losses and checkpoints.
#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "base/status_macros.h"
#include "eventstore/key_format.h"
#include "eventstore/rocksdb_adapter.h"
#include "eventstore/rocksdb_event_store.h"
#include "eventstore/sha256.h"
#include "rocksdb/write_batch.h"
#include "schema/fb_string.h"

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

// What is wrong with the record stored under `seq`, or "" when nothing.
std::string RecordProblem(uint64_t seq, const LoggedEvent& e) {
  if (e.seq() != seq) return absl::StrCat("event stored at ", seq, " says it is ", e.seq());
  if (!Sha256Matches(e.record_bytes(), e.hash())) {
    return absl::StrCat("event ", seq, " was changed: its bytes do not match its hash");
  }
  return "";
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

absl::Status RocksDbEventStore::Damage(const std::string& problem) const {
  if (!options_.allow_damaged) {
    return absl::DataLossError(absl::StrCat(problem, " (run `orch verify`; --allow-damaged reads on)"));
  }
  if (options_.warn) options_.warn(absl::StrCat("reading past damage: ", problem));
  return absl::OkStatus();
}

absl::StatusOr<LoggedEvent> RocksDbEventStore::Get(uint64_t seq) const {
  std::string value;
  ORCH_RETURN_IF_ERROR(
      FromDb(db_->Get(rocksdb::ReadOptions(), keys::Event(seq), &value), absl::StrCat("event ", seq)));
  auto e = LoggedEvent::Parse(value);
  if (!e.ok()) {
    return absl::DataLossError(absl::StrCat("event ", seq, " is unreadable: ", e.status().message()));
  }
  if (const std::string problem = RecordProblem(seq, *e); !problem.empty())
    ORCH_RETURN_IF_ERROR(Damage(problem));
  return e->Own();
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
      if (Acknowledged(seq, seq)) continue;
      ORCH_RETURN_IF_ERROR(Damage(absl::StrCat("index names event ", seq, " but it is missing")));
      continue;
    }
    ORCH_RETURN_IF_ERROR(FromDb(s, absl::StrCat("event ", seq)));
    auto e = LoggedEvent::Parse(value);
    if (!e.ok()) {
      ORCH_RETURN_IF_ERROR(Damage(absl::StrCat("event ", seq, " is unreadable: ", e.status().message())));
      continue;
    }
    if (const std::string problem = RecordProblem(seq, *e); !problem.empty())
      ORCH_RETURN_IF_ERROR(Damage(problem));
    if (!Matches(q, *e)) continue;
    if (!visit(*e)) break;
  }
  return absl::OkStatus();
}

absl::Status RocksDbEventStore::Scan(const EventQuery& q,
                                     const std::function<bool(const LoggedEvent&)>& visit) const {
  if (q.task || q.since_ns || q.until_ns || !q.types.empty()) {
    ORCH_ASSIGN_OR_RETURN(std::vector<uint64_t> seqs, SeqsFromIndex(q));
    return VisitSeqs(seqs, q, visit);
  }
  return ScanRange(q, visit);
}

absl::Status RocksDbEventStore::ScanRange(const EventQuery& q,
                                          const std::function<bool(const LoggedEvent&)>& visit) const {
  // The head first: an append landing meanwhile only adds events after it.
  const Head h = head();
  const uint64_t from = std::max<uint64_t>(q.from_seq, 1);
  std::string prev;  // hash of the event before `expect`; empty: unknown
  if (from == 1) {
    prev.assign(kHashSize, '\0');
  } else if (from <= h.seq) {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::Event(from - 1), &value);
    if (s.ok() && value.size() >= kHashSize) {
      prev = value.substr(0, kHashSize);  // its own hash is checked when it is read
    } else if (s.IsNotFound() && !Acknowledged(from - 1, from - 1)) {
      ORCH_RETURN_IF_ERROR(Damage(absl::StrCat("event ", from - 1, " is missing")));
    } else if (!s.ok() && !s.IsNotFound()) {
      return FromDb(s, absl::StrCat("event ", from - 1));
    }
  }
  const std::string lower = keys::Event(from);
  const std::string upper =
      q.to_seq == UINT64_MAX ? std::string(1, keys::kEventPrefix + 1) : keys::Event(q.to_seq + 1);
  uint64_t expect = from;
  bool stopped = false;
  absl::Status inner;
  ORCH_RETURN_IF_ERROR(ForEachKey(db_.get(), lower, upper, [&](absl::string_view k, absl::string_view v) {
    const uint64_t seq = keys::TrailingSeq(k);
    if (seq != expect) {
      if (!Acknowledged(expect, seq - 1)) {
        inner = Damage(seq - expect == 1
                           ? absl::StrCat("event ", expect, " is missing (the next present is ", seq, ")")
                           : absl::StrCat("events ", expect, "-", seq - 1,
                                          " are missing (the next present is ", seq, ")"));
        if (!inner.ok()) return false;
      }
      prev.clear();
    }
    expect = seq + 1;
    auto e = LoggedEvent::Parse(v);
    if (!e.ok()) {
      inner = Damage(absl::StrCat("event ", seq, " is unreadable: ", e.status().message()));
      prev.clear();
      return inner.ok();
    }
    std::string problem = RecordProblem(seq, *e);
    if (problem.empty() && !prev.empty() && e->prev_hash() != prev) {
      problem = absl::StrCat("event ", seq, " does not chain to event ", seq - 1);
    }
    if (!problem.empty()) {
      inner = Damage(problem);
      if (!inner.ok()) return false;
    }
    prev.assign(e->hash().data(), e->hash().size());  // reuses its buffer
    if (!visit(*e)) {
      stopped = true;
      return false;
    }
    return true;
  }));
  ORCH_RETURN_IF_ERROR(inner);
  // Read to the end: the last event must be the head (a deleted tail leaves
  // no gap to see).
  const uint64_t last = expect - 1;
  if (!stopped && q.to_seq >= h.seq && h.seq >= from) {
    if (last < h.seq && !Acknowledged(last + 1, h.seq)) {
      return Damage(absl::StrCat("the log ends at event ", last, " but its head is event ", h.seq,
                                 ": events were removed"));
    }
    if (last == h.seq && !prev.empty() && prev != h.hash) {
      return Damage(absl::StrCat("the head does not match event ", h.seq));
    }
  }
  return absl::OkStatus();
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
  bool after_gap = false;  // the event before is an acknowledged loss: no link to check
  ORCH_RETURN_IF_ERROR(ForEachKey(
      db_.get(), keys::Event(1), std::string(1, keys::kEventPrefix + 1),
      [&](absl::string_view k, absl::string_view v) {
        const uint64_t seq = keys::TrailingSeq(k);
        after_gap = false;
        if (seq != expect) {
          if (!Acknowledged(expect, seq - 1)) {
            return fail(expect, absl::StrCat("event ", expect, " is missing (next present is ", seq, ")"));
          }
          after_gap = true;
          expect = seq;
        }
        auto e = LoggedEvent::Parse(v);
        if (!e.ok()) return fail(seq, absl::StrCat("event ", seq, " is unreadable: ", e.status().message()));
        if (e->seq() != seq)
          return fail(seq, absl::StrCat("event stored at ", seq, " says it is ", e->seq()));
        if (Sha256(e->record_bytes()) != e->hash()) {
          return fail(seq, absl::StrCat("event ", seq, " was changed: its bytes do not match its hash"));
        }
        if (!after_gap && e->prev_hash() != prev) {
          return fail(seq, absl::StrCat("event ", seq, " does not chain to event ", seq - 1));
        }
        prev = std::string(e->hash());
        ++report.checked;
        ++expect;
        if (progress && report.checked % 100000 == 0) progress(report.checked);
        return true;
      }));
  {
    absl::MutexLock l(&head_mu_);
    report.acknowledged = acknowledged_;
  }
  if (!report.intact()) return report;
  const Head h = head();
  if (h.seq > expect - 1 && Acknowledged(expect, h.seq)) return report;  // the head itself was lost
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

absl::StatusOr<std::optional<std::string>> RocksDbEventStore::IntactHashAt(uint64_t seq) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::Event(seq), &value);
  if (!s.ok() && !s.IsNotFound()) return FromDb(s, absl::StrCat("event ", seq));
  if (s.IsNotFound()) return std::nullopt;
  auto e = LoggedEvent::Parse(value);
  if (!e.ok() || !RecordProblem(seq, *e).empty()) return std::nullopt;
  return std::string(e->hash());
}

CheckpointPlace RocksDbEventStore::checkpoint_place() const {
  return CheckpointPlace{env_, dir_, file_mode_, dir_mode_, options_.warn};
}

bool RocksDbEventStore::Acknowledged(uint64_t from, uint64_t to) const {
  absl::MutexLock l(&head_mu_);
  uint64_t next = from;                              // the first seq not yet shown to be covered
  for (const AcknowledgedLoss& a : acknowledged_) {  // sorted by `from`
    if (a.from > next) break;
    if (a.to >= next) next = a.to + 1;
    if (next > to) return true;
  }
  return next > to;
}

absl::Status RocksDbEventStore::LoadAcknowledged() {
  const uint8_t type = static_cast<uint8_t>(EventType::StoreRecovered);
  std::vector<uint64_t> seqs;
  ORCH_RETURN_IF_ERROR(ForEachKey(db_.get(), keys::Type(type, 0),
                                  PrefixEnd(std::string{keys::kTypePrefix, static_cast<char>(type)}),
                                  [&seqs](absl::string_view k, absl::string_view) {
                                    seqs.push_back(keys::TrailingSeq(k));
                                    return true;
                                  }));
  std::vector<AcknowledgedLoss> found;
  for (uint64_t seq : seqs) {
    std::string value;
    if (!db_->Get(rocksdb::ReadOptions(), keys::Event(seq), &value).ok()) continue;
    auto e = LoggedEvent::Parse(value);
    // A damaged recovery record acknowledges nothing: verify then reports
    // the gaps it named.
    if (!e.ok() || !RecordProblem(seq, *e).empty()) continue;
    const auto* p = e->event().payload_as_StoreRecovered();
    if (p == nullptr || p->lost() == nullptr) continue;
    for (const auto* range : *p->lost()) {
      const std::vector<absl::string_view> parts = absl::StrSplit(FbStr(range), '-');
      uint64_t a = 0, b = 0;
      if (parts.size() == 1 && absl::SimpleAtoi(parts[0], &a)) b = a;
      if (parts.size() == 2 && (!absl::SimpleAtoi(parts[0], &a) || !absl::SimpleAtoi(parts[1], &b))) continue;
      if (a == 0 || b < a || b >= seq) continue;  // a record acknowledges only what came before it
      found.push_back(AcknowledgedLoss{a, b, seq});
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.from < y.from; });
  absl::MutexLock l(&head_mu_);
  acknowledged_ = std::move(found);
  return absl::OkStatus();
}

}  // namespace orch

#include "mirror/log_mirror.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "eventstore/sha256.h"
#include "mirror/mirror_message.h"

namespace orch::mirror {

LogMirror::LogMirror(const EventStore& store, JetStreamClient& js, Env& env, MirrorOptions options)
    : store_(store), js_(js), env_(env), options_(std::move(options)) {}

absl::Status LogMirror::CollectFound(uint64_t from_stream_seq) {
  absl::Status bad;
  ORCH_RETURN_IF_ERROR(js_.ReadAll(
      options_.stream, ProjectFilter(options_.project), from_stream_seq, [&](const StreamMessage& m) {
        uint64_t seq = 0;
        if (HeaderOf(m, kHeaderProject) != options_.project ||
            !absl::SimpleAtoi(HeaderOf(m, kHeaderSeq), &seq)) {
          bad = absl::AbortedError(absl::StrCat("stream ", options_.stream, " message ", m.stream_seq, " on ",
                                                m.subject, " is not an event of project '", options_.project,
                                                "': someone else writes the project's subjects"));
          return false;
        }
        auto [it, inserted] = found_.emplace(seq, Found{m.stream_seq, HeaderOf(m, kHeaderHash)});
        if (!inserted && options_.note) {
          options_.note(absl::StrCat("the stream holds event #", seq, " twice (messages ",
                                     it->second.stream_seq, " and ", m.stream_seq, ")"));
        }
        if (m.stream_seq > newest_stream_seq_) {
          newest_stream_seq_ = m.stream_seq;
          newest_stream_hash_ = HeaderOf(m, kHeaderHash);
        }
        return true;
      }));
  return bad;
}

absl::Status LogMirror::Reconcile(SyncReport& report) {
  prefix_ = 0;
  prefix_hash_hex_.clear();
  found_.clear();
  subject_last_.clear();
  newest_stream_seq_ = 0;
  newest_stream_hash_.clear();
  lost_below_ = 0;
  ORCH_ASSIGN_OR_RETURN(StreamSummary summary, js_.Summary(options_.stream, ProjectFilter(options_.project)));
  subject_counts_ = summary.subjects;
  stream_count_ = 0;
  for (const auto& [subject, n] : subject_counts_) stream_count_ += n;

  ORCH_ASSIGN_OR_RETURN(std::optional<MirrorPosition> pos, ReadPosition(env_, options_.position_path));
  if (pos && (pos->stream != options_.stream || pos->project != options_.project)) pos.reset();
  const Head head = store_.head();
  bool trusted = false;
  if (pos && pos->seq <= head.seq && pos->stream_seq > 0) {
    auto local = store_.Get(pos->seq);
    ORCH_ASSIGN_OR_RETURN(std::optional<StreamMessage> at, js_.Get(options_.stream, pos->stream_seq));
    if (local.ok() && ToHex(local->hash()) == pos->hash_hex && at &&
        HeaderOf(*at, kHeaderProject) == options_.project &&
        HeaderOf(*at, kHeaderHash) == pos->stream_hash_hex) {
      newest_stream_seq_ = pos->stream_seq;
      newest_stream_hash_ = pos->stream_hash_hex;
      // Only read on when the stream holds more of the project than the
      // position counted (a kill between a publish and the position's write).
      if (stream_count_ > pos->count) ORCH_RETURN_IF_ERROR(CollectFound(pos->stream_seq + 1));
      if (pos->count + found_.size() == stream_count_) {
        trusted = true;
        prefix_ = pos->seq;
        prefix_hash_hex_ = pos->hash_hex;
        position_ = *pos;
      }
    }
  }
  if (!trusted) {
    if (pos) {
      report.stream_lost_data = true;
      lost_below_ = pos->seq;
      if (options_.note) {
        options_.note(absl::StrCat(
            "stream ", options_.stream, " holds ", stream_count_, " of project '", options_.project,
            "''s messages; the position recorded ", pos->count, " up to event #", pos->seq,
            ": the stream lost data, comparing it with the log and re-sending what is missing"));
      }
    }
    found_.clear();
    newest_stream_seq_ = 0;
    newest_stream_hash_.clear();
    if (stream_count_ > 0) ORCH_RETURN_IF_ERROR(CollectFound(1));
  }
  // Whatever the stream holds of the project must be this log's events.
  for (const auto& [seq, f] : found_) {
    auto local = seq <= head.seq ? store_.Get(seq) : absl::NotFoundError("beyond the head");
    if (!local.ok() || ToHex(local->hash()) != f.hash_hex) {
      return absl::AbortedError(
          absl::StrCat("stream ", options_.stream, " message ", f.stream_seq, " holds an event #", seq,
                       " of project '", options_.project, "' that this log does not have (log head #",
                       head.seq, "): another store mirrors under the same project name (give --project)"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> LogMirror::ExpectedLastSeq(const std::string& subject) {
  auto it = subject_last_.find(subject);
  if (it != subject_last_.end()) return it->second;
  uint64_t last = 0;
  if (subject_counts_.count(subject) != 0) {
    ORCH_ASSIGN_OR_RETURN(std::optional<StreamMessage> m, js_.GetLast(options_.stream, subject));
    if (m) last = m->stream_seq;
  }
  subject_last_[subject] = last;
  return last;
}

absl::Status LogMirror::SavePosition() {
  since_saved_ = 0;
  if (prefix_ == 0 || (prefix_ == position_.seq && stream_count_ == position_.count &&
                       newest_stream_seq_ == position_.stream_seq)) {
    return absl::OkStatus();
  }
  MirrorPosition p;
  p.stream = options_.stream;
  p.project = options_.project;
  p.seq = prefix_;
  p.hash_hex = prefix_hash_hex_;
  p.stream_seq = newest_stream_seq_;
  p.stream_hash_hex = newest_stream_hash_;
  p.count = stream_count_;
  if (p.hash_hex.empty()) {
    ORCH_ASSIGN_OR_RETURN(LoggedEvent e, store_.Get(prefix_));
    p.hash_hex = ToHex(e.hash());
  }
  ORCH_RETURN_IF_ERROR(WritePosition(env_, options_.position_path, p));
  position_ = p;
  return absl::OkStatus();
}

absl::StatusOr<SyncReport> LogMirror::Sync() {
  SyncReport report;
  if (!reconciled_) {
    ORCH_RETURN_IF_ERROR(Reconcile(report));
    reconciled_ = true;
  }
  absl::Status failed;
  EventQuery q;
  q.from_seq = prefix_ + 1;
  const absl::Status scanned = store_.Scan(q, [&](const LoggedEvent& e) {
    auto f = found_.find(e.seq());
    if (f == found_.end()) {
      PublishRequest req = MakeEventMessage(options_.project, options_.machine, e);
      auto expected = ExpectedLastSeq(req.subject);
      if (!expected.ok()) {
        failed = expected.status();
        return false;
      }
      req.expected_last_subject_seq = *expected;
      auto ack = js_.Publish(req);
      if (!ack.ok()) {
        failed = ack.status();
        return false;
      }
      if (ack->duplicate) {
        ++report.duplicates;
      } else {
        ++report.published;
        ++stream_count_;
        ++subject_counts_[req.subject];
        if (e.seq() <= lost_below_) ++report.resent;
      }
      subject_last_[req.subject] = ack->stream_seq;
      if (ack->stream_seq > newest_stream_seq_) {
        newest_stream_seq_ = ack->stream_seq;
        newest_stream_hash_ = req.msg_id;
      }
    } else {
      found_.erase(f);
    }
    prefix_ = e.seq();
    prefix_hash_hex_ = ToHex(e.hash());
    if (++since_saved_ >= options_.position_every) {
      failed = SavePosition();
      if (!failed.ok()) return false;
    }
    return true;
  });
  // What was acknowledged is kept even when a later publish failed.
  const absl::Status saved = SavePosition();
  if (!failed.ok()) {
    reconciled_ = false;
    return failed;
  }
  ORCH_RETURN_IF_ERROR(scanned);
  ORCH_RETURN_IF_ERROR(saved);
  report.head_seq = prefix_;
  return report;
}

}  // namespace orch::mirror

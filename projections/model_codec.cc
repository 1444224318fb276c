#include "projections/model_codec.h"

#include <deque>
#include <vector>

#include "absl/strings/str_cat.h"
#include "projections/field_diff.h"

namespace orch {

namespace {

// A field added to the model must be encoded here, compared in
// project_model.cc / task_facts.cc and filled in model_codec_test.cc's
// FilledModel(); these counts fail the build until the field is counted in.
constexpr char kUpdateCodec[] =
    "a model struct changed: update its Visit here, its Compare (project_model.cc, task_facts.cc), "
    "FilledModel() in model_codec_test.cc and kModelCodecVersion, then this count";
static_assert(FieldCount<Inspection>() == 16, "Inspection: see kUpdateCodec");
static_assert(FieldCount<TaskFacts>() == 18, "TaskFacts: see kUpdateCodec");
static_assert(FieldCount<HistoryEntry>() == 7, "HistoryEntry: see kUpdateCodec");
static_assert(FieldCount<Transition>() == 2, "Transition: see kUpdateCodec");
static_assert(FieldCount<GateRun>() == 5, "GateRun: see kUpdateCodec");
static_assert(FieldCount<Observation>() == 3, "Observation: see kUpdateCodec");
static_assert(FieldCount<Budget>() == 3, "Budget: see kUpdateCodec");
static_assert(FieldCount<ConstraintStack>() == 9, "ConstraintStack: see kUpdateCodec");
static_assert(FieldCount<TaskModel>() == 46, "TaskModel: see kUpdateCodec");
static_assert(FieldCount<PackageModel>() == 7, "PackageModel: see kUpdateCodec");
static_assert(FieldCount<LaneChange>() == 3, "LaneChange: see kUpdateCodec");
static_assert(FieldCount<MissedHeartbeat>() == 4, "MissedHeartbeat: see kUpdateCodec");
static_assert(FieldCount<HeartbeatHole>() == 4, "HeartbeatHole: see kUpdateCodec");
static_assert(FieldCount<Finding>() == 6, "Finding: see kUpdateCodec");
static_assert(FieldCount<ExternalReview>() == 9, "ExternalReview: see kUpdateCodec");
static_assert(FieldCount<RecentEvent>() == 8, "RecentEvent: see kUpdateCodec");
static_assert(FieldCount<ProjectSettings>() == 5, "ProjectSettings: see kUpdateCodec");
static_assert(FieldCount<ProjectModel>() == 41, "ProjectModel: see kUpdateCodec");

constexpr absl::string_view kMagic = "ORCHPM";
constexpr absl::string_view kDetailMagic = "ORCHPD";
constexpr size_t kHeaderSize = 6 + 1 + 8 + 8;

void PutFixed64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetFixed64(absl::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

// Writer and Reader share one visitor per struct (Visit below), so the two
// directions cannot drift apart.
class Writer {
 public:
  static constexpr bool kReading = false;
  explicit Writer(std::string* out) : out_(out) {}
  void Field(uint64_t& v) { PutVarint(v); }
  void Field(int64_t& v) { PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void Field(bool& v) { out_->push_back(v ? 1 : 0); }
  void Field(std::string& s) {
    PutVarint(s.size());
    out_->append(s);
  }
  template <typename E>
  void Enum(E& e) {
    uint64_t v = static_cast<uint64_t>(e);
    PutVarint(v);
  }
  void Count(size_t& n) {
    uint64_t v = n;
    PutVarint(v);
  }
  bool ok() const { return true; }
  void Fail() {}

 private:
  void PutVarint(uint64_t v) {
    while (v >= 0x80) {
      out_->push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_->push_back(static_cast<char>(v));
  }
  std::string* out_;
};

class Reader {
 public:
  static constexpr bool kReading = true;
  explicit Reader(absl::string_view in) : in_(in) {}
  void Field(uint64_t& v) { v = GetVarint(); }
  void Field(int64_t& v) {
    const uint64_t u = GetVarint();
    v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  void Field(bool& v) {
    if (in_.empty()) return Fail();
    v = in_[0] != 0;
    in_.remove_prefix(1);
  }
  void Field(std::string& s) {
    const uint64_t n = GetVarint();
    if (n > in_.size()) return Fail();
    s.assign(in_.data(), n);
    in_.remove_prefix(n);
  }
  template <typename E>
  void Enum(E& e) {
    e = static_cast<E>(GetVarint());
  }
  void Count(size_t& n) {
    const uint64_t v = GetVarint();
    // Every item takes at least one byte: a larger count is corruption.
    if (v > in_.size()) {
      Fail();
      n = 0;
      return;
    }
    n = static_cast<size_t>(v);
  }
  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }
  absl::string_view rest() const { return in_; }
  void Fail() {
    ok_ = false;
    in_ = {};
  }

 private:
  uint64_t GetVarint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) {
        Fail();
        return 0;
      }
      const uint8_t b = static_cast<uint8_t>(in_[0]);
      in_.remove_prefix(1);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    Fail();
    return 0;
  }
  absl::string_view in_;
  bool ok_ = true;
};

template <typename IO>
void Visit(IO& io, std::string& s) {
  io.Field(s);
}
template <typename IO>
void Visit(IO& io, int64_t& v) {
  io.Field(v);
}

template <typename IO, typename C>
void VisitList(IO& io, C& items) {
  size_t n = items.size();
  io.Count(n);
  if constexpr (IO::kReading) {
    items.clear();
    items.resize(n);
  }
  for (auto& x : items) {
    if (!io.ok()) return;
    Visit(io, x);
  }
}

template <typename IO>
void Visit(IO& io, HistoryEntry& h) {
  io.Field(h.seq);
  io.Field(h.at);
  io.Enum(h.type);
  io.Enum(h.status);
  io.Field(h.note);
  io.Field(h.summary);
  io.Field(h.anomaly);
}

template <typename IO>
void Visit(IO& io, Transition& t) {
  io.Field(t.at);
  io.Enum(t.state);
}

template <typename IO>
void Visit(IO& io, GateRun& g) {
  io.Field(g.at);
  io.Field(g.command);
  io.Field(g.result);
  io.Field(g.label);
  io.Field(g.log_path);
}

template <typename IO>
void Visit(IO& io, Inspection& i) {
  io.Field(i.seq);
  io.Field(i.at);
  io.Field(i.head);
  io.Field(i.branch);
  io.Field(i.branch_matches);
  io.Field(i.worktree_exists);
  io.Field(i.base_is_ancestor);
  io.Field(i.self_review_present);
  io.Field(i.reviewable);
  io.Field(i.ahead_of_base);
  io.Field(i.behind_integration);
  io.Field(i.ahead_of_integration);
  VisitList(io, i.forbidden_touched);
  VisitList(io, i.outside_allowed);
  VisitList(io, i.dirty);
  VisitList(io, i.problems);
}

template <typename IO>
void Visit(IO& io, TaskFacts& f) {
  io.Enum(f.state);
  io.Enum(f.before_block);
  io.Field(f.abandoned);
  io.Field(f.branch);
  io.Field(f.base_commit);
  io.Field(f.worktree);
  io.Field(f.pending_worktree_id);
  io.Field(f.self_review_path);
  VisitList(io, f.allowed);
  VisitList(io, f.forbidden);
  io.Field(f.strongest_passing_gate);
  VisitList(io, f.evidence_labels);
  io.Field(f.merge_commit);
  io.Field(f.pushed_commit);
  io.Field(f.merged_seq);
  io.Field(f.has_inspection);
  if (f.has_inspection) Visit(io, f.inspection);
  io.Field(f.last_at);
}

// What the status pages read of a task. The lists only the ledger and the
// HTML picture show (VisitTaskDetail) are kept apart, so a status call can
// skip them.
template <typename IO>
void VisitTaskCore(IO& io, TaskModel& t) {
  io.Field(t.id);
  io.Field(t.first_seq);
  Visit(io, t.facts);
  io.Field(t.title);
  io.Field(t.package_id);
  io.Field(t.worker);
  io.Field(t.thread_id);
  VisitList(io, t.gates);
  io.Field(t.expected_evidence);
  io.Field(t.dispatched_at);
  io.Field(t.state_since);
  io.Field(t.last_commit);
  io.Field(t.claimed_evidence);
  io.Field(t.verdict);
  io.Field(t.reviewer);
  io.Field(t.review_evidence);
  io.Field(t.review_override);
  VisitList(io, t.review_overridden);
  io.Field(t.commits);
  io.Field(t.merged_at);
  io.Field(t.pushed_at);
  io.Field(t.cleaned_at);
  io.Field(t.worktree_removed);
  io.Field(t.branch_deleted);
  io.Field(t.blocked_reason);
  io.Field(t.needs_human);
  io.Field(t.stale_action);
  io.Field(t.idle_seconds);
  io.Field(t.stale_reason);
  io.Field(t.stale_since);
  io.Field(t.progress_at);
  io.Field(t.ready_at);
  VisitList(io, t.stalls);
  io.Field(t.dirt);
  io.Field(t.dirty_at);
  // The budgets decide the next action (runtime and review overruns): the
  // status pages read them.
  Visit(io, t.budget);
  io.Field(t.last_observation.at);
  io.Field(t.last_observation.result);
  io.Field(t.last_observation.note);
  io.Field(t.events);
  io.Field(t.anomalies);
  io.Field(t.history_dropped);
}

template <typename IO>
void Visit(IO& io, Budget& b) {
  io.Field(b.runtime_minutes);
  io.Field(b.review_minutes);
  io.Field(b.note);
}

template <typename IO>
void Visit(IO& io, ConstraintStack& c) {
  io.Field(c.user_instruction);
  VisitList(io, c.constraints);
  VisitList(io, c.allowed_paths);
  VisitList(io, c.forbidden_paths);
  VisitList(io, c.required_gates);
  io.Field(c.evidence_boundary);
  VisitList(io, c.authority);
  io.Field(c.package_id);
  io.Field(c.package_switch_reason);
}

template <typename IO>
void VisitTaskDetail(IO& io, TaskModel& t) {
  Visit(io, t.constraint_stack);
  VisitList(io, t.residual_risks);
  VisitList(io, t.gate_runs);
  VisitList(io, t.evidence_notes);
  VisitList(io, t.history);
  VisitList(io, t.transitions);
}

// A lane's status is stored as its word ("open"), as it was while the
// model held it as text: checkpoints written before keep decoding.
template <typename IO>
void VisitLaneStatus(IO& io, LaneStatus& s) {
  std::string name = IO::kReading ? "" : std::string(LaneStatusName(s));
  io.Field(name);
  if (IO::kReading && !ParseLaneStatus(name, &s)) io.Fail();
}

template <typename IO>
void Visit(IO& io, PackageModel& p) {
  io.Field(p.id);
  io.Field(p.title);
  io.Field(p.reason);
  VisitLaneStatus(io, p.status);
  io.Field(p.needs_human);
  io.Field(p.opened_at);
  io.Field(p.changed_at);
}

template <typename IO>
void Visit(IO& io, LaneChange& l) {
  io.Field(l.at);
  io.Field(l.package_id);
  io.Field(l.what);
}

template <typename IO>
void Visit(IO& io, MissedHeartbeat& h) {
  io.Field(h.seq);
  io.Field(h.at);
  io.Field(h.expected_at);
  io.Field(h.gap_seconds);
}

template <typename IO>
void Visit(IO& io, HeartbeatHole& h) {
  io.Field(h.beat_at);
  io.Field(h.first_expected_at);
  io.Field(h.cadence_seconds);
  io.Field(h.closed_at);
}

template <typename IO>
void Visit(IO& io, Finding& f) {
  io.Field(f.seq);
  io.Field(f.at);
  io.Field(f.task);
  io.Enum(f.type);
  io.Field(f.kind);
  io.Field(f.detail);
}

template <typename IO>
void Visit(IO& io, ExternalReview& r) {
  io.Field(r.seq);
  io.Field(r.at);
  io.Field(r.reviewer);
  io.Field(r.file);
  io.Field(r.task);
  io.Field(r.package_id);
  io.Field(r.status);
  io.Field(r.p1);
  io.Field(r.p2);
}

template <typename IO>
void Visit(IO& io, RecentEvent& r) {
  io.Field(r.seq);
  io.Field(r.at);
  io.Field(r.task);
  io.Enum(r.type);
  io.Enum(r.claim);
  io.Field(r.summary);
  io.Field(r.note);
  io.Field(r.anomaly);
}

// In the order the fields had when they were ProjectModel's own: the bytes
// did not change when they moved into ProjectSettings.
template <typename IO>
void Visit(IO& io, ProjectSettings& s) {
  io.Field(s.project_root);
  io.Field(s.default_branch);
  io.Field(s.remote);
  io.Field(s.push_policy);
  io.Field(s.max_concurrency);
}

template <typename IO>
void Visit(IO& io, ProjectModel& m) {
  io.Field(m.head_seq);
  io.Field(m.events);
  io.Field(m.first_at);
  io.Field(m.last_at);
  io.Field(m.max_at);
  io.Field(m.initialized);
  io.Field(m.created_at);
  Visit(io, m.settings);
  io.Field(m.missed_after_seconds);
  io.Field(m.stale_after_seconds);
  io.Field(m.watch_every_seconds);
  io.Field(m.setup_allowance_seconds);
  VisitList(io, m.serial_paths);
  io.Field(m.integration_dirty);
  io.Field(m.integration_dirty_since);
  io.Field(m.integration_dirt);
  io.Field(m.integration_seq);
  io.Field(m.run_mode);
  io.Field(m.run_mode_reason);
  io.Field(m.run_mode_since);
  io.Field(m.last_heartbeat_at);
  io.Field(m.next_heartbeat_at);
  io.Field(m.last_heartbeat_source);
  io.Field(m.heartbeats);
  io.Field(m.missed_total);
  VisitList(io, m.heartbeat_ticks);
  VisitList(io, m.missed);
  io.Field(m.missed_through);
  VisitList(io, m.holes);
  VisitList(io, m.packages);
  io.Field(m.current_lane);
  VisitList(io, m.lane_changes);
  size_t tasks = m.tasks.size();
  io.Count(tasks);
  if constexpr (IO::kReading) {
    m.tasks.clear();
    m.tasks.resize(tasks);
  }
  for (TaskModel& t : m.tasks) {
    if (!io.ok()) return;
    VisitTaskCore(io, t);
  }
  io.Field(m.anomalies_total);
  io.Field(m.drift_total);
  VisitList(io, m.anomalies);
  VisitList(io, m.drift);
  VisitList(io, m.recent);
  io.Field(m.external_reviews_total);
  VisitList(io, m.external_reviews);
}

// The task details, in task order; the count must match the core's.
template <typename IO>
void VisitDetails(IO& io, ProjectModel& m) {
  size_t tasks = m.tasks.size();
  io.Count(tasks);
  if (tasks != m.tasks.size()) return io.Fail();
  for (TaskModel& t : m.tasks) {
    if (!io.ok()) return;
    VisitTaskDetail(io, t);
  }
}

void PutHeader(std::string* out, absl::string_view magic, const ProjectModel& m) {
  out->append(magic.data(), magic.size());
  out->push_back(static_cast<char>(kModelCodecVersion));
  PutFixed64(out, m.head_seq);
  PutFixed64(out, static_cast<uint64_t>(m.max_at));
}

absl::StatusOr<CheckpointHeader> ReadHeader(absl::string_view bytes, absl::string_view magic) {
  if (bytes.size() < kHeaderSize || bytes.substr(0, magic.size()) != magic) {
    return absl::DataLossError("checkpoint is not a project model");
  }
  CheckpointHeader h;
  h.version = static_cast<uint8_t>(bytes[magic.size()]);
  if (h.version != kModelCodecVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("checkpoint has model version ", h.version, ", this orch reads ", kModelCodecVersion));
  }
  h.seq = GetFixed64(bytes.substr(magic.size() + 1));
  h.max_at = static_cast<int64_t>(GetFixed64(bytes.substr(magic.size() + 9)));
  return h;
}

}  // namespace

EncodedModel EncodeModelParts(const ProjectModel& model) {
  // The writers only read through the reference.
  ProjectModel& m = const_cast<ProjectModel&>(model);
  EncodedModel e;
  PutHeader(&e.core, kMagic, m);
  Writer core(&e.core);
  Visit(core, m);
  PutHeader(&e.details, kDetailMagic, m);
  Writer details(&e.details);
  VisitDetails(details, m);
  return e;
}

namespace {

// Decodes the core of `core` into `m`; `*rest` gets the bytes after it.
absl::Status DecodeCore(absl::string_view core, ProjectModel* m, absl::string_view* rest) {
  auto header = PeekCheckpoint(core);
  if (!header.ok()) return header.status();
  Reader r(core.substr(kHeaderSize));
  Visit(r, *m);
  if (!r.ok()) return absl::DataLossError("checkpoint body is truncated or malformed");
  if (m->head_seq != header->seq) return absl::DataLossError("checkpoint header and body disagree");
  *rest = r.rest();
  return absl::OkStatus();
}

absl::Status DecodeDetails(absl::string_view details, ProjectModel* m) {
  auto header = ReadHeader(details, kDetailMagic);
  if (!header.ok()) return header.status();
  if (header->seq != m->head_seq) return absl::DataLossError("checkpoint details are of another seq");
  Reader r(details.substr(kHeaderSize));
  VisitDetails(r, *m);
  if (!r.ok() || !r.done()) return absl::DataLossError("checkpoint details are truncated or malformed");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ProjectModel> DecodeModelParts(absl::string_view core,
                                              std::optional<absl::string_view> details) {
  ProjectModel m;
  absl::string_view rest;
  if (absl::Status s = DecodeCore(core, &m, &rest); !s.ok()) return s;
  if (!rest.empty()) return absl::DataLossError("checkpoint body is truncated or malformed");
  if (details) {
    if (absl::Status s = DecodeDetails(*details, &m); !s.ok()) return s;
  }
  m.RebuildIndex();
  return m;
}

std::string EncodeModel(const ProjectModel& model) {
  EncodedModel e = EncodeModelParts(model);
  return absl::StrCat(e.core, e.details);
}

absl::StatusOr<CheckpointHeader> PeekCheckpoint(absl::string_view bytes) { return ReadHeader(bytes, kMagic); }

std::string EncodeTaskFacts(const TaskFacts& facts) {
  std::string out(1, static_cast<char>(kModelCodecVersion));
  Writer w(&out);
  Visit(w, const_cast<TaskFacts&>(facts));  // the writer only reads
  return out;
}

absl::StatusOr<TaskFacts> DecodeTaskFacts(absl::string_view bytes) {
  if (bytes.empty()) return absl::DataLossError("task facts are empty");
  if (static_cast<uint8_t>(bytes[0]) != kModelCodecVersion) {
    return absl::FailedPreconditionError(absl::StrCat("task facts have model version ",
                                                      static_cast<int>(static_cast<uint8_t>(bytes[0])),
                                                      ", this orch reads ", kModelCodecVersion));
  }
  TaskFacts f;
  Reader r(bytes.substr(1));
  Visit(r, f);
  if (!r.ok() || !r.done()) return absl::DataLossError("task facts are truncated or malformed");
  return f;
}

absl::StatusOr<ProjectModel> DecodeModel(absl::string_view bytes) {
  ProjectModel m;
  absl::string_view details;
  if (absl::Status s = DecodeCore(bytes, &m, &details); !s.ok()) return s;
  if (absl::Status s = DecodeDetails(details, &m); !s.ok()) return s;
  m.RebuildIndex();
  return m;
}

}  // namespace orch

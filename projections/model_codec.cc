#include "projections/model_codec.h"

#include <deque>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/big_endian.h"
#include "projections/field_list.h"

namespace orch {

namespace {

constexpr absl::string_view kMagic = "ORCHPM";
constexpr absl::string_view kDetailMagic = "ORCHPD";
constexpr size_t kHeaderSize = 6 + 1 + 8 + 8;

// Writer and Reader share one walk over the field lists (Visit below), so
// the two directions cannot drift apart.
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

template <typename IO, typename T>
void Visit(IO& io, T& v);

// A count, then the items.
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

// The members of `s` that belong to `part` of a checkpoint, in the order of
// its field list (field_list.h).
template <FieldPart part, typename IO, typename S>
void VisitFields(IO& io, S& s) {
  CheckFieldList<S>();
  S::Fields([&](const char*, auto member, auto... opt) {
    if constexpr (PartOf<decltype(opt)...>() == part) {
      if (Present(s, opt...)) Visit(io, s.*member);
    }
  });
}

// A lane's status is stored as its word ("open"), as it was while the
// model held it as text: checkpoints written before keep decoding.
template <typename IO>
void VisitLaneStatus(IO& io, LaneStatus& s) {
  std::string name = IO::kReading ? "" : std::string(LaneStatusName(s));
  io.Field(name);
  if (IO::kReading && !ParseLaneStatus(name, &s)) io.Fail();
}

// One value by its type: a struct through its field list (its core part),
// a list as a count and its items, an enum as its number.
template <typename IO, typename T>
void Visit(IO& io, T& v) {
  if constexpr (std::is_same_v<T, LaneStatus>) {
    VisitLaneStatus(io, v);
  } else if constexpr (std::is_enum_v<T>) {
    io.Enum(v);
  } else if constexpr (kHasFieldList<T>) {
    VisitFields<FieldPart::kCore>(io, v);
  } else if constexpr (IsList<T>::value) {
    VisitList(io, v);
  } else {
    io.Field(v);
  }
}

// The task details, in task order; the count must match the core's.
template <typename IO>
void VisitDetails(IO& io, ProjectModel& m) {
  size_t tasks = m.tasks.size();
  io.Count(tasks);
  if (tasks != m.tasks.size()) return io.Fail();
  for (TaskModel& t : m.tasks) {
    if (!io.ok()) return;
    VisitFields<FieldPart::kDetail>(io, t);
  }
}

void PutHeader(std::string* out, absl::string_view magic, const ProjectModel& m) {
  out->append(magic.data(), magic.size());
  out->push_back(static_cast<char>(kModelCodecVersion));
  PutBigEndian64(out, m.head_seq);
  PutBigEndian64(out, static_cast<uint64_t>(m.max_at));
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
  h.seq = GetBigEndian64(bytes.substr(magic.size() + 1));
  h.max_at = static_cast<int64_t>(GetBigEndian64(bytes.substr(magic.size() + 9)));
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

void DropDetails(ProjectModel* m) {
  for (TaskModel& t : m->tasks) {
    TaskModel::Fields([&t](const char*, auto member, auto... opt) {
      if constexpr (PartOf<decltype(opt)...>() == FieldPart::kDetail) t.*member = {};
    });
  }
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

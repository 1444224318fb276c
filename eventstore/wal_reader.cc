#include "eventstore/wal_reader.h"

#include <algorithm>

#include "eventstore/crc32c.h"
#include "eventstore/key_format.h"

namespace orch::wal {

namespace {

enum RecordType : uint8_t {
  kZeroType = 0,
  kFullType = 1,
  kFirstType = 2,
  kMiddleType = 3,
  kLastType = 4,
  kRecyclableFullType = 5,
  kRecyclableLastType = 8,
  kSetCompressionType = 9,
};

enum class Phys { kOk, kTrailer, kOvershoot, kZero, kBadChecksum };

struct Physical {
  uint8_t type = 0;  // recyclable types folded onto the plain ones
  absl::string_view payload;
  uint64_t next = 0;
};

uint32_t Le32(const char* p) {
  return static_cast<uint32_t>(static_cast<uint8_t>(p[0])) |
         static_cast<uint32_t>(static_cast<uint8_t>(p[1])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(p[2])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(p[3])) << 24;
}

uint64_t BlockEnd(uint64_t pos, uint64_t size) {
  return std::min<uint64_t>((pos / kBlockSize + 1) * kBlockSize, size);
}

// The physical record at `pos`, checked as RocksDB's reader checks it.
Phys ReadPhysical(absl::string_view f, uint64_t pos, Physical* out) {
  const uint64_t end = BlockEnd(pos, f.size());
  if (end - pos < kHeaderSize) return Phys::kTrailer;
  const char* h = f.data() + pos;
  const uint32_t length = static_cast<uint8_t>(h[4]) | static_cast<uint32_t>(static_cast<uint8_t>(h[5])) << 8;
  uint8_t type = static_cast<uint8_t>(h[6]);
  size_t header = kHeaderSize;
  if (type >= kRecyclableFullType && type <= kRecyclableLastType) {
    header += 4;  // the log number
    type = static_cast<uint8_t>(type - (kRecyclableFullType - kFullType));
  }
  if (pos + header + length > end) return Phys::kOvershoot;
  if (h[6] == kZeroType && length == 0) return Phys::kZero;
  const uint32_t actual = crc32c::Extend(0, h + 6, header - 6 + length);
  if (actual != crc32c::Unmask(Le32(h))) return Phys::kBadChecksum;
  out->type = type;
  out->payload = f.substr(pos + header, length);
  out->next = pos + header + length;
  return Phys::kOk;
}

bool PartialLastBlock(uint64_t end, uint64_t size) { return end == size && size % kBlockSize != 0; }

bool AllZero(absl::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

// A logical record starting at `pos` (a kFull, or a complete chain from a
// kFirst), when every piece of it is intact.
bool ReadWhole(absl::string_view f, uint64_t pos, Record* out, uint64_t* next) {
  Physical p;
  if (ReadPhysical(f, pos, &p) != Phys::kOk) return false;
  if (p.type == kFullType) {
    *out = Record{pos, std::string(p.payload)};
    *next = p.next;
    return true;
  }
  if (p.type != kFirstType) return false;
  std::string batch(p.payload);
  uint64_t at = p.next;
  while (at < f.size()) {
    Physical q;
    const Phys r = ReadPhysical(f, at, &q);
    if (r == Phys::kTrailer) {
      at = BlockEnd(at, f.size());
      continue;
    }
    if (r != Phys::kOk || (q.type != kMiddleType && q.type != kLastType)) return false;
    batch.append(q.payload.data(), q.payload.size());
    at = q.next;
    if (q.type == kLastType) {
      *out = Record{pos, std::move(batch)};
      *next = at;
      return true;
    }
  }
  return false;
}

uint32_t Varint32(absl::string_view* in, bool* ok) {
  uint32_t v = 0;
  for (int shift = 0; shift <= 28 && !in->empty(); shift += 7) {
    const uint8_t b = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    v |= static_cast<uint32_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  *ok = false;
  return 0;
}

bool LengthPrefixed(absl::string_view* in, absl::string_view* out) {
  bool ok = true;
  const uint32_t n = Varint32(in, &ok);
  if (!ok || n > in->size()) return false;
  *out = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

// Reassembles logical records from physical ones as RocksDB's reader does,
// noting every byte range it drops and why.
class Assembler {
 public:
  explicit Assembler(Scan* scan) : scan_(scan) {}

  void Drop(uint64_t b, uint64_t e, const char* reason, bool silent) {
    if (e > b) scan_->drops.push_back(wal::Drop{b, e, reason, silent});
  }
  // An error ends the record being reassembled: its fragments are dropped.
  void DropFragment(uint64_t upto) {
    if (in_frag_) Drop(frag_begin_, upto, "error in the middle of a record", false);
    in_frag_ = false;
    scratch_.clear();
  }
  bool in_fragment() const { return in_frag_; }
  uint64_t fragment_begin() const { return frag_begin_; }
  void ForgetFragment() { in_frag_ = false; }

  // A well-formed physical record at `pos`.
  void Add(uint64_t pos, const Physical& p) {
    switch (p.type) {
      case kFullType:
        DropFragment(pos);
        scan_->records.push_back(Record{pos, std::string(p.payload)});
        break;
      case kFirstType:
        DropFragment(pos);
        in_frag_ = true;
        frag_begin_ = pos;
        scratch_.assign(p.payload.data(), p.payload.size());
        break;
      case kMiddleType:
      case kLastType:
        if (!in_frag_) {
          Drop(pos, p.next, "missing start of a fragmented record", false);
          break;
        }
        scratch_.append(p.payload.data(), p.payload.size());
        if (p.type == kLastType) {
          scan_->records.push_back(Record{frag_begin_, std::move(scratch_)});
          scratch_.clear();
          in_frag_ = false;
        }
        break;
      case kSetCompressionType:
        break;
      default:
        DropFragment(pos);
        Drop(pos, p.next, "unknown record type", false);
    }
  }

 private:
  Scan* const scan_;
  bool in_frag_ = false;
  uint64_t frag_begin_ = 0;
  std::string scratch_;
};

// A physical read at `pos` (block ending at `end`) that gave no record:
// records the drop and returns where to read on; `size` means the file
// ended in a torn tail.
uint64_t SkipUnreadable(absl::string_view f, uint64_t pos, uint64_t end, Phys r, Assembler* a) {
  const uint64_t size = f.size();
  if (r == Phys::kTrailer || r == Phys::kOvershoot) {
    if (PartialLastBlock(end, size)) {  // the end of the file: a torn tail
      const uint64_t from = a->in_fragment() ? a->fragment_begin() : pos;
      if (!(r == Phys::kTrailer && !a->in_fragment() && AllZero(f.substr(pos)))) {
        a->Drop(from, size, r == Phys::kTrailer ? "truncated header" : "truncated record", true);
      }
      a->ForgetFragment();
      return size;
    }
    if (r == Phys::kOvershoot) {
      a->DropFragment(pos);
      a->Drop(pos, end, "bad record length", false);
    }
    return end;
  }
  a->DropFragment(pos);
  if (r == Phys::kZero) {  // preallocated space: RocksDB skips the rest of the block
    if (!AllZero(f.substr(pos, end - pos))) a->Drop(pos, end, "zero record before data", true);
  } else {  // Phys::kBadChecksum
    a->Drop(pos, end, "checksum mismatch", false);
  }
  return end;
}

// Intact records inside what was dropped (RocksDB drops a whole block's
// rest after one bad record).
void SalvageDropped(absl::string_view f, Scan* scan) {
  uint64_t skip_to = 0;
  for (const Drop& d : scan->drops) {
    for (uint64_t at = std::max(d.begin + 1, skip_to); at + kHeaderSize <= d.end; ++at) {
      Record rec;
      uint64_t next = 0;
      if (ReadWhole(f, at, &rec, &next)) {
        scan->salvaged.push_back(std::move(rec));
        skip_to = next;
        at = next - 1;
      }
    }
  }
}

}  // namespace

Scan ReadLog(absl::string_view f) {
  Scan scan;
  Assembler a(&scan);
  const uint64_t size = f.size();
  uint64_t pos = 0;
  while (pos < size) {
    const uint64_t end = BlockEnd(pos, size);
    Physical p;
    const Phys r = ReadPhysical(f, pos, &p);
    if (r != Phys::kOk) {
      pos = SkipUnreadable(f, pos, end, r, &a);
      continue;
    }
    a.Add(pos, p);
    pos = p.next;
  }
  if (a.in_fragment()) a.Drop(a.fragment_begin(), size, "truncated fragmented record", true);
  SalvageDropped(f, &scan);
  return scan;
}

bool AnyValidRecordAfter(absl::string_view f, uint64_t from) {
  for (uint64_t at = from; at + kHeaderSize <= f.size(); ++at) {
    Physical p;
    if (ReadPhysical(f, at, &p) == Phys::kOk && p.type >= kFullType && p.type <= kLastType) return true;
  }
  return false;
}

bool TailHidesRecords(absl::string_view block, uint64_t block_offset, Drop* drop) {
  uint64_t pos = 0;
  while (pos < block.size()) {
    Physical p;
    const Phys r = ReadPhysical(block, pos, &p);
    if (r == Phys::kOk) {
      pos = p.next;
      continue;
    }
    if (r == Phys::kBadChecksum) return false;  // RocksDB reports this one itself
    if (!AnyValidRecordAfter(block, pos + 1)) return false;
    *drop = Drop{block_offset + pos, block_offset + block.size(),
                 r == Phys::kZero ? "zero record before data" : "record length runs past the end of the file",
                 true};
    return true;
  }
  return false;
}

bool ParseBatch(absl::string_view batch, std::vector<BatchEntry>* entries) {
  entries->clear();
  if (batch.size() < 12) return false;
  const uint32_t count = Le32(batch.data() + 8);
  absl::string_view in = batch.substr(12);
  while (!in.empty()) {
    const uint8_t tag = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    BatchEntry e;
    if (tag == 0x01) {  // kTypeValue
      e.put = true;
      if (!LengthPrefixed(&in, &e.key) || !LengthPrefixed(&in, &e.value)) return false;
    } else if (tag == 0x00 || tag == 0x07) {  // kTypeDeletion, kTypeSingleDeletion
      if (!LengthPrefixed(&in, &e.key)) return false;
    } else {
      return false;
    }
    entries->push_back(e);
  }
  return entries->size() == count;
}

std::vector<uint64_t> SeqsNamedIn(absl::string_view b) {
  std::vector<uint64_t> seqs;
  auto plausible = [](uint64_t s) { return s > 0 && s < (uint64_t{1} << 48); };
  for (size_t i = 0; i + 3 <= b.size(); ++i) {
    if (b[i] != 0x01) continue;
    // Put of an 'e' key: 0x01, key length 9, 'e', seq(8).
    if (b[i + 1] == 0x09 && b[i + 2] == keys::kEventPrefix && i + 11 <= b.size()) {
      const uint64_t s = keys::GetBigEndian64(b.substr(i + 3, 8));
      if (plausible(s)) seqs.push_back(s);
    }
    // Put of the head row: 0x01, key length 1, 'h', value length 40, seq(8) hash(32).
    if (b[i + 1] == 0x01 && b[i + 2] == keys::kHead[0] && i + 12 <= b.size() && b[i + 3] == 40) {
      const uint64_t s = keys::GetBigEndian64(b.substr(i + 4, 8));
      if (plausible(s)) seqs.push_back(s);
    }
  }
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  return seqs;
}

}  // namespace orch::wal

#include "eventstore/wal_damage.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eventstore/key_format.h"

namespace orch {

namespace {

namespace fs = std::filesystem;

// The live log files of `dir`, oldest (lowest number) first.
absl::StatusOr<std::vector<std::pair<uint64_t, std::string>>> LogFiles(const std::string& dir) {
  std::vector<std::pair<uint64_t, std::string>> logs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const fs::path& p = entry.path();
    uint64_t number = 0;
    if (p.extension() != ".log" || !absl::SimpleAtoi(p.stem().string(), &number)) continue;
    logs.emplace_back(number, p.filename().string());
  }
  if (ec) return absl::UnavailableError(absl::StrCat("list ", dir, ": ", ec.message()));
  std::sort(logs.begin(), logs.end());
  return logs;
}

absl::StatusOr<std::string> ReadRange(const std::string& path, uint64_t from, uint64_t* size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::UnavailableError(absl::StrCat("cannot read ", path));
  in.seekg(0, std::ios::end);
  *size = static_cast<uint64_t>(in.tellg());
  from = std::min(from, *size);
  in.seekg(static_cast<std::streamoff>(from));
  std::string bytes(*size - from, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!in) return absl::UnavailableError(absl::StrCat("cannot read ", path));
  return bytes;
}

void EventSeqs(absl::string_view batch, std::vector<uint64_t>* out) {
  std::vector<wal::BatchEntry> entries;
  if (!wal::ParseBatch(batch, &entries)) {
    for (uint64_t s : wal::SeqsNamedIn(batch)) out->push_back(s);
    return;
  }
  for (const auto& e : entries) {
    if (e.put && e.key.size() == 9 && e.key[0] == keys::kEventPrefix)
      out->push_back(keys::TrailingSeq(e.key));
  }
}

}  // namespace

std::string FormatSeqRanges(const std::vector<uint64_t>& seqs) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < seqs.size();) {
    size_t j = i;
    while (j + 1 < seqs.size() && seqs[j + 1] == seqs[j] + 1) ++j;
    parts.push_back(j == i ? absl::StrCat(seqs[i]) : absl::StrCat(seqs[i], "-", seqs[j]));
    i = j + 1;
  }
  return absl::StrJoin(parts, ", ");
}

absl::StatusOr<WalInspection> InspectWals(const std::string& dir) {
  WalInspection out;
  auto logs = LogFiles(dir);
  if (!logs.ok()) return logs.status();
  uint64_t last_intact = 0;
  for (const auto& [number, name] : *logs) {
    uint64_t size = 0;
    const std::string path = (fs::path(dir) / name).string();
    auto bytes = ReadRange(path, 0, &size);
    std::error_code ec;
    if (!bytes.ok() && !fs::exists(path, ec)) continue;  // retired by the writer meanwhile
    if (!bytes.ok()) return bytes.status();
    out.files.push_back(name);
    wal::Scan scan = wal::ReadLog(*bytes);
    std::set<uint64_t> kept;  // seqs of intact records RocksDB would drop
    for (const auto& r : scan.salvaged) {
      std::vector<uint64_t> seqs;
      EventSeqs(r.batch, &seqs);
      kept.insert(seqs.begin(), seqs.end());
    }
    size_t next_record = 0;
    for (const wal::Drop& d : scan.drops) {
      // Intact records before this drop raise the last intact seq.
      for (; next_record < scan.records.size() && scan.records[next_record].offset < d.begin; ++next_record) {
        std::vector<uint64_t> seqs;
        EventSeqs(scan.records[next_record].batch, &seqs);
        for (uint64_t s : seqs) last_intact = std::max(last_intact, s);
      }
      // A torn tail at the very end of a file is a crash, not damage,
      // unless intact records follow it.
      if (d.silent && !wal::AnyValidRecordAfter(*bytes, d.begin + 1)) continue;
      WalDamage damage{name, d.begin, d.reason, {}, last_intact};
      for (uint64_t s : wal::SeqsNamedIn(absl::string_view(*bytes).substr(d.begin, d.end - d.begin))) {
        if (kept.count(s) == 0) damage.lost.push_back(s);
      }
      out.damage.push_back(std::move(damage));
    }
    for (; next_record < scan.records.size(); ++next_record) {
      std::vector<uint64_t> seqs;
      EventSeqs(scan.records[next_record].batch, &seqs);
      for (uint64_t s : seqs) last_intact = std::max(last_intact, s);
    }
    for (auto& r : scan.salvaged) out.salvaged.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<std::vector<WalDamage>> CheckWalTails(const std::string& dir) {
  std::vector<WalDamage> found;
  auto logs = LogFiles(dir);
  if (!logs.ok()) return logs.status();
  for (const auto& [number, name] : *logs) {
    const std::string path = (fs::path(dir) / name).string();
    std::error_code ec;
    const uint64_t size = fs::file_size(path, ec);
    if (ec || size % wal::kBlockSize == 0) continue;  // gone meanwhile, or no partial block
    const uint64_t block = size / wal::kBlockSize * wal::kBlockSize;
    uint64_t read_size = 0;
    auto bytes = ReadRange(path, block, &read_size);
    if (!bytes.ok() && !fs::exists(path, ec)) continue;  // retired by the writer meanwhile
    if (!bytes.ok()) return bytes.status();
    wal::Drop drop;
    if (wal::TailHidesRecords(*bytes, block, &drop)) {
      // Name the lost events from the whole file.
      auto inspection = InspectWals(dir);
      if (!inspection.ok()) return inspection.status();
      return inspection->damage;
    }
  }
  return found;
}

std::string DescribeDamage(const std::vector<WalDamage>& damage) {
  if (damage.empty()) return "the write-ahead logs are intact";
  std::vector<uint64_t> lost;
  std::vector<std::string> where;
  for (const auto& d : damage) {
    lost.insert(lost.end(), d.lost.begin(), d.lost.end());
    where.push_back(absl::StrCat(d.file, " at byte ", d.offset, " (", d.reason, ")"));
  }
  std::sort(lost.begin(), lost.end());
  lost.erase(std::unique(lost.begin(), lost.end()), lost.end());
  std::string what;
  if (!lost.empty()) {
    what = absl::StrCat(lost.size() == 1 ? "event " : "events ", FormatSeqRanges(lost), " cannot be read");
  } else if (damage.front().last_intact > 0) {
    what = absl::StrCat("everything after seq ", damage.front().last_intact, " in it cannot be read");
  } else {
    what = "the events in it cannot be read";
  }
  return absl::StrCat("damaged write-ahead log ", absl::StrJoin(where, ", "), ": ", what);
}

}  // namespace orch

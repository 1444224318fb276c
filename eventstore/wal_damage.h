// Damage in a store's write-ahead logs: found, named and described.
//
// RocksDB (with kTolerateCorruptedTailRecords) refuses to open a store whose
// log has a bad record, and accepts a record cut short at the end of the
// file (a torn tail: a crash between write and sync). It cannot tell a torn
// tail from a damaged length field in the last block, which would drop the
// records after it silently; CheckWalTails catches that case before every
// open. InspectWals reads everything, for the error message and for
// `orch recover`.
#ifndef ORCH_EVENTSTORE_WAL_DAMAGE_H_
#define ORCH_EVENTSTORE_WAL_DAMAGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "eventstore/wal_reader.h"

namespace orch {

struct WalDamage {
  std::string file;  // e.g. "000012.log"
  uint64_t offset = 0;
  std::string reason;  // "checksum mismatch", ...
  // Event sequence numbers held in the damaged bytes and not in an intact
  // record: what a recovery loses. Ascending.
  std::vector<uint64_t> lost;
  // The highest event seq in an intact record before the damage (0: none).
  uint64_t last_intact = 0;
};

struct WalInspection {
  std::vector<WalDamage> damage;      // empty: the logs are intact
  std::vector<wal::Record> salvaged;  // intact records RocksDB would drop, oldest first
  std::vector<std::string> files;     // every log file read, oldest first
};

// Reads every *.log file of `dir`. Errors only when a file cannot be read.
absl::StatusOr<WalInspection> InspectWals(const std::string& dir);

// The silent case only (see above), reading the last block of each log.
// Returns the damage it found, if any.
absl::StatusOr<std::vector<WalDamage>> CheckWalTails(const std::string& dir);

// One line: which file, where, and which events cannot be read (or
// "everything after seq N" when the damaged bytes name none).
std::string DescribeDamage(const std::vector<WalDamage>& damage);

// "19", "19-21", "3, 19-21": ascending seqs as ranges.
std::string FormatSeqRanges(const std::vector<uint64_t>& seqs);

}  // namespace orch

#endif  // ORCH_EVENTSTORE_WAL_DAMAGE_H_

// Reading RocksDB's write-ahead log files ourselves, to tell a torn tail
// from damage and to name what damage costs.
//
// Format (RocksDB's db/log_format.h, stable since LevelDB): the file is a
// sequence of 32 KiB blocks; each block holds physical records
//   checksum(4, masked CRC-32C of type and payload) length(2) type(1) payload
// and ends in fewer than 7 padding bytes when no header fits. A logical
// record (one WriteBatch) is one kFull record or a kFirst, kMiddle..., kLast
// chain. RocksDB's reader drops the rest of a block after a bad record and
// treats a record running past the end of the file as a torn tail.
//
// WriteBatch payload: sequence(8 LE) count(4 LE), then entries
//   0x01 varint32 key-length key varint32 value-length value   (Put)
//   0x00 varint32 key-length key                               (Delete)
// (other entry kinds are never written by orch).
#ifndef ORCH_EVENTSTORE_WAL_READER_H_
#define ORCH_EVENTSTORE_WAL_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace orch::wal {

inline constexpr size_t kBlockSize = 32768;
inline constexpr size_t kHeaderSize = 7;

// A logical record: one WriteBatch as written by one Append.
struct Record {
  uint64_t offset = 0;  // of its first physical record
  std::string batch;    // the WriteBatch bytes
};

// Bytes RocksDB's reader does not replay.
struct Drop {
  uint64_t begin = 0, end = 0;
  std::string reason;  // "checksum mismatch", "truncated record", ...
  // RocksDB drops these silently (a torn tail), not as corruption.
  bool silent = false;
};

struct Scan {
  std::vector<Record> records;  // what RocksDB replays, in order
  std::vector<Drop> drops;
  // Records with valid checksums found inside dropped bytes: what a
  // careful recovery can still keep.
  std::vector<Record> salvaged;
};

// Reads a whole log file as RocksDB does (dropping what it drops), and
// finds the intact records inside the dropped bytes.
Scan ReadLog(absl::string_view file);

// True when a physical record with a valid checksum starts anywhere in
// file[from, end): proof that bytes before it were written before it and
// so cannot be a torn tail.
bool AnyValidRecordAfter(absl::string_view file, uint64_t from);

// Checks only the final, partial block of a log file for the one damage
// RocksDB's kTolerateCorruptedTailRecords lets pass silently: a record
// (e.g. a corrupted length) running past the end of the file while intact
// records follow it. Returns the silent drop when it hides intact records.
// Cheap (at most 32 KiB read); everything else RocksDB reports itself.
bool TailHidesRecords(absl::string_view last_block, uint64_t block_offset, Drop* drop);

// One Put or Delete of a WriteBatch.
struct BatchEntry {
  bool put = false;
  absl::string_view key, value;
};
// The entries of a WriteBatch; false when it cannot be parsed whole.
bool ParseBatch(absl::string_view batch, std::vector<BatchEntry>* entries);

// Event sequence numbers that raw, possibly damaged bytes still name: the
// seq of each 'e' key and head row they hold. Ascending, unique.
std::vector<uint64_t> SeqsNamedIn(absl::string_view bytes);

}  // namespace orch::wal

#endif  // ORCH_EVENTSTORE_WAL_READER_H_

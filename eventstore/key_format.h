// On-disk layout of the event log (one RocksDB key space, prefixed keys).
//
//   key                                          value
//   'f'                                          format version, decimal text
//   'h'                                          seq(8) hash(32)        -- head
//   'e' seq(8)                                   hash(32) Record        -- the log
//   't' task 0x00 version(8)                     seq(8)                 -- by task
//   'm' time(8) seq(8)                           (empty)                -- by time
//   'y' type(1) seq(8)                           (empty)                -- by type
//   'k' idempotency-key                          seq(8) sha256(Event)(32)
//   'c' name 0x00 seq(8)                         checkpoint bytes
//   'g' key                                      seq(8) hash(32) guard-bytes
//                                                -- an AppendGuard's state row,
//                                                bound to the head (seq, hash)
//                                                after the batch that wrote it
//
// Integers are big-endian and fixed-width so keys sort as the log does;
// time is biased by 2^63 so negative instants sort before positive ones.
// One synced WriteBatch per append holds the event, its index rows and the
// new head, so a crash leaves either all of them or none.
#ifndef ORCH_EVENTSTORE_KEY_FORMAT_H_
#define ORCH_EVENTSTORE_KEY_FORMAT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "base/big_endian.h"

namespace orch::keys {

inline constexpr char kFormat[] = "f";
inline constexpr char kHead[] = "h";
inline constexpr char kEventPrefix = 'e';
inline constexpr char kTaskPrefix = 't';
inline constexpr char kTimePrefix = 'm';
inline constexpr char kTypePrefix = 'y';
inline constexpr char kIdempotencyPrefix = 'k';
inline constexpr char kCheckpointPrefix = 'c';
inline constexpr char kGuardPrefix = 'g';

using ::orch::GetBigEndian64;  // base/big_endian.h
using ::orch::PutBigEndian64;

std::string Event(uint64_t seq);
std::string Task(absl::string_view task, uint64_t version);
std::string TaskPrefix(absl::string_view task);  // 't' task 0x00
std::string Time(int64_t time_ns, uint64_t seq);
std::string Type(uint8_t type, uint64_t seq);
std::string Idempotency(absl::string_view key);
std::string Checkpoint(absl::string_view name, uint64_t seq);
std::string CheckpointPrefix(absl::string_view name);
std::string GuardState(absl::string_view key);

// The trailing seq(8) of an 'e', 'm' or 'y' key.
uint64_t TrailingSeq(absl::string_view key);
// The time of an 'm' key.
int64_t TimeOf(absl::string_view key);

}  // namespace orch::keys

#endif  // ORCH_EVENTSTORE_KEY_FORMAT_H_

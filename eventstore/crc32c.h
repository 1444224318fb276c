// CRC-32C (Castagnoli), as RocksDB's write-ahead log checksums its records.
// SSE4.2's crc32 instruction when the CPU has it, a table otherwise.
#ifndef ORCH_EVENTSTORE_CRC32C_H_
#define ORCH_EVENTSTORE_CRC32C_H_

#include <cstddef>
#include <cstdint>

namespace orch::crc32c {

// The CRC of data[0, n) continuing from `crc` (0 to start).
uint32_t Extend(uint32_t crc, const char* data, size_t n);

// RocksDB stores masked CRCs (a CRC of data holding CRCs is weak).
inline uint32_t Unmask(uint32_t masked) {
  const uint32_t rot = masked - 0xa282ead8u;
  return (rot >> 17) | (rot << 15);
}

}  // namespace orch::crc32c

#endif  // ORCH_EVENTSTORE_CRC32C_H_

// Fixed-width big-endian integers: the one encoding of a number inside a
// key or a binary row, chosen so that byte order sorts as number order.
#ifndef ORCH_BASE_BIG_ENDIAN_H_
#define ORCH_BASE_BIG_ENDIAN_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace orch {

// Appends the 8 bytes of `v`, most significant first.
inline void PutBigEndian64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// The number in the first 8 bytes of `in` (which must hold 8).
inline uint64_t GetBigEndian64(absl::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

}  // namespace orch

#endif  // ORCH_BASE_BIG_ENDIAN_H_

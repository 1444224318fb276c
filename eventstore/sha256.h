// SHA-256 through OpenSSL: the one adapter to libcrypto.
#ifndef ORCH_EVENTSTORE_SHA256_H_
#define ORCH_EVENTSTORE_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace orch {

inline constexpr size_t kHashSize = 32;

// The 32 raw digest bytes of `data`. Thread-safe.
std::string Sha256(absl::string_view data);
// The same into `out`, without allocating.
void Sha256Into(absl::string_view data, unsigned char out[kHashSize]);
// True when `hash` is the digest of `data`.
bool Sha256Matches(absl::string_view data, absl::string_view hash);

// Lower-case hex of raw bytes ("" for "").
std::string ToHex(absl::string_view bytes);

}  // namespace orch

#endif  // ORCH_EVENTSTORE_SHA256_H_

// SHA-256 through OpenSSL: the one adapter to libcrypto.
#ifndef ORCH_EVENTSTORE_SHA256_H_
#define ORCH_EVENTSTORE_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace orch {

inline constexpr size_t kHashSize = 32;

// The 32 raw digest bytes of `data`.
std::string Sha256(absl::string_view data);

// Lower-case hex of raw bytes ("" for "").
std::string ToHex(absl::string_view bytes);

}  // namespace orch

#endif  // ORCH_EVENTSTORE_SHA256_H_

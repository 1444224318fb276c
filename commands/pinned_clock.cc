#include "commands/pinned_clock.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "base/time_text.h"

namespace orch {

absl::StatusOr<std::optional<int64_t>> PinnedNowFromEnvironment() {
  return ParsePinnedNow(std::getenv("ORCH_NOW"));
}

absl::StatusOr<std::optional<int64_t>> ParsePinnedNow(const char* v) {
  if (v == nullptr || *v == '\0') return std::optional<int64_t>();
  auto t = ParseRfc3339(v);
  if (!t.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad ORCH_NOW '", v, "': give an RFC3339 instant (", t.status().message(), ")"));
  }
  return std::optional<int64_t>(*t);
}

}  // namespace orch

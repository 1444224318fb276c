// Text forms of instants and durations shared by the CLI, JSON and renderers.
#ifndef ORCH_BASE_TIME_TEXT_H_
#define ORCH_BASE_TIME_TEXT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace orch {

// "2026-11-25T03:14:07.5Z": UTC, fractional seconds only when non-zero,
// lossless to the nanosecond.
std::string FormatRfc3339(int64_t unix_nanos);

// Accepts RFC3339 with any offset ("2026-11-25T03:14:07Z",
// "2026-11-25T04:14:07+01:00", fractional seconds allowed).
// InvalidArgument names the text on failure.
absl::StatusOr<int64_t> ParseRfc3339(absl::string_view text);

// Accepts "90s", "15m", "8h", "2d", "1h30m" and plain seconds ("3600").
// Returns whole seconds; InvalidArgument names the text on failure.
absl::StatusOr<int64_t> ParseDurationSeconds(absl::string_view text);

// "3h05m", "42s", "2d04h": short, for timelines and status pages.
std::string FormatDurationShort(int64_t seconds);

}  // namespace orch

#endif  // ORCH_BASE_TIME_TEXT_H_

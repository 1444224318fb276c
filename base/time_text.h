// Text forms of instants and durations shared by the CLI, JSON and renderers.
#ifndef ORCH_BASE_TIME_TEXT_H_
#define ORCH_BASE_TIME_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace orch {

// Nanoseconds in a second: times are Unix nanoseconds, durations and
// settings are seconds.
inline constexpr int64_t kNs = 1'000'000'000;

// The instants orch accepts, as Unix nanoseconds: from 1970-01-01T00:00:00Z
// up to, not including, 2262-01-01T00:00:00Z (int64 nanoseconds end in
// April 2262). A time outside is refused, never clamped (docs/cli.md).
inline constexpr int64_t kMinTimeNs = 0;
inline constexpr int64_t kMaxTimeNs = int64_t{9'214'646'400} * kNs - 1;
// The longest duration accepted: 36500 days (about a century).
inline constexpr int64_t kMaxDurationSeconds = int64_t{36'500} * 86'400;

// OK when kMinTimeNs <= unix_nanos <= kMaxTimeNs; else InvalidArgument
// "bad time <what>: outside ..." (`what` names the flag or field and value).
absl::Status CheckTimeInRange(int64_t unix_nanos, absl::string_view what);

// "2026-11-25T03:14:07.5Z": UTC, fractional seconds only when non-zero,
// lossless to the nanosecond.
std::string FormatRfc3339(int64_t unix_nanos);

// Accepts RFC3339 with any offset ("2026-11-25T03:14:07Z",
// "2026-11-25T04:14:07+01:00", fractional seconds allowed), within
// [kMinTimeNs, kMaxTimeNs]. InvalidArgument names the text on failure.
absl::StatusOr<int64_t> ParseRfc3339(absl::string_view text);

// A time of day, "22:00" or "22:00:30" (two digits each; hours 00-23,
// minutes and seconds 00-59), as the most recent such moment in `zone` at
// or before `now_ns`: today's, or yesterday's when today's has not come
// yet. nullopt for any other text. What `--at` and `--since` mean by
// HH:MM[:SS] (formats/time_spec.h).
std::optional<int64_t> RecentTimeOfDay(absl::string_view text, int64_t now_ns, absl::TimeZone zone);

// Accepts "90s", "15m", "8h", "2d", "1h30m", "1.5s", "250ms" and plain
// seconds ("3600"); never negative, infinite or over kMaxDurationSeconds.
// InvalidArgument names the text on failure.
absl::StatusOr<absl::Duration> ParseDuration(absl::string_view text);

// ParseDuration in whole seconds; a fraction of a second is refused, not
// dropped.
absl::StatusOr<int64_t> ParseDurationSeconds(absl::string_view text);

// Whole minutes, as the budgets are kept: a plain number is minutes ("90"),
// anything else a duration of whole minutes ("90m", "2h", "1h30m"). Never
// negative or over kMaxDurationSeconds; "90s" is refused, not rounded.
// InvalidArgument names the text on failure.
absl::StatusOr<int64_t> ParseMinutes(absl::string_view text);

// "3h05m", "42s", "2d04h": short, for timelines and status pages.
std::string FormatDurationShort(int64_t seconds);

}  // namespace orch

#endif  // ORCH_BASE_TIME_TEXT_H_

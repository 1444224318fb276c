#include "base/time_text.h"

#include <cctype>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace orch {

std::string FormatRfc3339(int64_t unix_nanos) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", absl::FromUnixNanos(unix_nanos), absl::UTCTimeZone());
}

absl::StatusOr<int64_t> ParseRfc3339(absl::string_view text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &err)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad time '", text, "': expected RFC3339 such as 2026-11-25T03:00:00Z"));
  }
  return absl::ToUnixNanos(t);
}

absl::StatusOr<int64_t> ParseDurationSeconds(absl::string_view text) {
  int64_t plain = 0;
  if (absl::SimpleAtoi(text, &plain) && plain >= 0) return plain;
  // absl understands h/m/s; days are added here because nights span them.
  std::string rest(text);
  int64_t days = 0;
  if (auto d = rest.find('d'); d != std::string::npos) {
    if (!absl::SimpleAtoi(rest.substr(0, d), &days) || days < 0) {
      return absl::InvalidArgumentError(absl::StrCat("bad duration '", text, "'"));
    }
    rest = rest.substr(d + 1);
  }
  absl::Duration dur = absl::ZeroDuration();
  if (!rest.empty() && (!absl::ParseDuration(rest, &dur) || dur < absl::ZeroDuration())) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad duration '", text, "': expected e.g. 90s, 15m, 8h, 2d or 1h30m"));
  }
  if (rest.empty() && days == 0) {
    return absl::InvalidArgumentError(absl::StrCat("bad duration '", text, "'"));
  }
  return days * 86400 + absl::ToInt64Seconds(dur);
}

std::string FormatDurationShort(int64_t seconds) {
  if (seconds < 0) return absl::StrCat("-", FormatDurationShort(-seconds));
  if (seconds < 60) return absl::StrCat(seconds, "s");
  if (seconds < 3600) return absl::StrFormat("%dm%02ds", seconds / 60, seconds % 60);
  if (seconds < 86400) return absl::StrFormat("%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
  return absl::StrFormat("%dd%02dh", seconds / 86400, (seconds % 86400) / 3600);
}

}  // namespace orch

#include "base/time_text.h"

#include <cctype>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/status_macros.h"

namespace orch {

std::string FormatRfc3339(int64_t unix_nanos) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", absl::FromUnixNanos(unix_nanos), absl::UTCTimeZone());
}

absl::Status CheckTimeInRange(int64_t unix_nanos, absl::string_view what) {
  if (unix_nanos >= kMinTimeNs && unix_nanos <= kMaxTimeNs) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("bad time ", what, ": outside the accepted range ",
                                                 FormatRfc3339(kMinTimeNs), " to 2262-01-01T00:00:00Z"));
}

absl::StatusOr<int64_t> ParseRfc3339(absl::string_view text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &err)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad time '", text, "': expected RFC3339 such as 2026-11-25T03:00:00Z"));
  }
  // absl::ToUnixNanos saturates: check the range on the absl::Time first.
  if (t < absl::FromUnixNanos(kMinTimeNs) || t > absl::FromUnixNanos(kMaxTimeNs)) {
    return CheckTimeInRange(t < absl::UnixEpoch() ? -1 : kMaxTimeNs + 1, absl::StrCat("'", text, "'"));
  }
  return absl::ToUnixNanos(t);
}

absl::StatusOr<absl::Duration> ParseDuration(absl::string_view text) {
  const auto bad = [&text](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("bad duration '", text, "': ", why));
  };
  constexpr absl::string_view kForms = "expected e.g. 90s, 15m, 8h, 2d or 1h30m";
  int64_t plain = 0;
  if (absl::SimpleAtoi(text, &plain)) {
    if (plain < 0) return bad("must not be negative");
    if (plain > kMaxDurationSeconds) return bad("longer than 36500d");
    return absl::Seconds(plain);
  }
  // absl understands h/m/s; days are added here because nights span them.
  absl::string_view rest = text;
  int64_t days = 0;
  const bool has_days = rest.find('d') != absl::string_view::npos;
  if (auto d = rest.find('d'); has_days) {
    if (!absl::SimpleAtoi(rest.substr(0, d), &days) || days < 0) return bad(kForms);
    if (days > kMaxDurationSeconds / 86400) return bad("longer than 36500d");
    rest = rest.substr(d + 1);
  }
  absl::Duration dur = absl::ZeroDuration();
  if (!rest.empty() && !absl::ParseDuration(std::string(rest), &dur)) return bad(kForms);
  if (rest.empty() && !has_days) return bad(kForms);
  if (dur < absl::ZeroDuration()) return bad("must not be negative");
  // absl::ParseDuration accepts "inf"; ours stop at a century.
  const absl::Duration total = absl::Hours(24 * days) + dur;
  if (total > absl::Seconds(kMaxDurationSeconds)) return bad("longer than 36500d");
  return total;
}

namespace {

// Two ASCII digits at `text[at]` forming a number no larger than `max`.
bool TwoDigits(absl::string_view text, size_t at, int max, int* out) {
  if (at + 2 > text.size() || !std::isdigit(static_cast<unsigned char>(text[at])) ||
      !std::isdigit(static_cast<unsigned char>(text[at + 1]))) {
    return false;
  }
  *out = (text[at] - '0') * 10 + (text[at + 1] - '0');
  return *out <= max;
}

}  // namespace

std::optional<int64_t> RecentTimeOfDay(absl::string_view text, int64_t now_ns, absl::TimeZone zone) {
  int hour = 0, minute = 0, second = 0;
  if (text.size() != 5 && text.size() != 8) return std::nullopt;
  if (!TwoDigits(text, 0, 23, &hour) || text[2] != ':' || !TwoDigits(text, 3, 59, &minute))
    return std::nullopt;
  if (text.size() == 8 && (text[5] != ':' || !TwoDigits(text, 6, 59, &second))) return std::nullopt;
  const absl::Time now = absl::FromUnixNanos(now_ns);
  const absl::CivilDay today = absl::ToCivilDay(now, zone);
  const auto on = [&](absl::CivilDay day) {
    return absl::FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(), hour, minute, second), zone);
  };
  absl::Time t = on(today);
  if (t > now) t = on(today - 1);
  return absl::ToUnixNanos(t);
}

absl::StatusOr<int64_t> ParseDurationSeconds(absl::string_view text) {
  ORCH_ASSIGN_OR_RETURN(absl::Duration d, ParseDuration(text));
  absl::Duration rem;
  const int64_t secs = absl::IDivDuration(d, absl::Seconds(1), &rem);
  if (rem != absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("bad duration '", text, "': give whole seconds"));
  }
  return secs;
}

absl::StatusOr<int64_t> ParseMinutes(absl::string_view text) {
  int64_t minutes = 0;
  if (absl::SimpleAtoi(text, &minutes)) {
    if (minutes < 0 || minutes > kMaxDurationSeconds / 60) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad minutes '", text, "': from 0 to ", kMaxDurationSeconds / 60));
    }
    return minutes;
  }
  auto d = ParseDuration(text);
  if (!d.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad minutes '", text, "': give whole minutes, e.g. 90, 25m, 90m or 2h"));
  }
  absl::Duration rem;
  minutes = absl::IDivDuration(*d, absl::Minutes(1), &rem);
  if (rem != absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("bad minutes '", text, "': give whole minutes"));
  }
  return minutes;
}

std::string FormatDurationShort(int64_t seconds) {
  if (seconds < 0) return absl::StrCat("-", FormatDurationShort(-seconds));
  if (seconds < 60) return absl::StrCat(seconds, "s");
  if (seconds < 3600) return absl::StrFormat("%dm%02ds", seconds / 60, seconds % 60);
  if (seconds < 86400) return absl::StrFormat("%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
  return absl::StrFormat("%dd%02dh", seconds / 86400, (seconds % 86400) / 3600);
}

}  // namespace orch

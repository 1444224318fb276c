#include "formats/time_spec.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "base/time_text.h"

namespace orch {

absl::StatusOr<TimeSpec> ParseTimeSpec(absl::string_view text, int64_t now_ns, absl::TimeZone zone) {
  TimeSpec spec;
  const auto bad = [&text]() {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad time '", text,
        "': use RFC3339 (2026-11-25T03:00:00Z), HH:MM or HH:MM:SS, a duration ago (8h) or seq:N"));
  };
  if (absl::StartsWith(text, "seq:")) {
    if (!absl::SimpleAtoi(text.substr(4), &spec.seq)) return bad();
    spec.is_seq = true;
    return spec;
  }
  if (auto t = ParseRfc3339(text); t.ok()) {
    spec.time_ns = *t;
    return spec;
  }
  if (const std::optional<int64_t> t = RecentTimeOfDay(text, now_ns, zone)) {
    spec.time_ns = *t;
    return spec;
  }
  int hour = 0;
  if (!text.empty() && !absl::StrContains(text, ':') && !absl::SimpleAtoi(text, &hour)) {
    // "8h" and "8h ago" both mean eight hours before now.
    absl::string_view span = text;
    absl::ConsumeSuffix(&span, " ago");
    auto ago = ParseDuration(span);
    // A duration that is not one (overflow, "inf", negative) says why.
    if (!ago.ok() && absl::ascii_isdigit(static_cast<unsigned char>(text[0]))) return ago.status();
    if (ago.ok()) {
      const absl::Time t = absl::FromUnixNanos(now_ns) - *ago;
      if (t < absl::FromUnixNanos(kMinTimeNs)) {
        return absl::InvalidArgumentError(
            absl::StrCat("bad time '", text, "': that long ago is before ", FormatRfc3339(kMinTimeNs)));
      }
      spec.time_ns = absl::ToUnixNanos(t);
      return spec;
    }
  }
  return bad();
}

void ApplySince(const TimeSpec& spec, EventQuery* q) {
  if (spec.is_seq) {
    q->from_seq = std::max(q->from_seq, spec.seq);
  } else {
    q->since_ns = spec.time_ns;
  }
}

void ApplyUntil(const TimeSpec& spec, EventQuery* q) {
  if (spec.is_seq) {
    q->to_seq = std::min(q->to_seq, spec.seq);
  } else {
    q->until_ns = spec.time_ns;
  }
}

}  // namespace orch

// TimeSpec: the moments a person names on the command line.
//
//   2026-11-25T03:00:00Z   an RFC3339 instant
//   22:00, 22:00:30        the most recent such time of day, local time
//                          (yesterday's if today's has not come yet)
//   8h, 90m, 2d            that long before now
//   seq:1200               a position in the log rather than a time
#ifndef ORCH_FORMATS_TIME_SPEC_H_
#define ORCH_FORMATS_TIME_SPEC_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "eventstore/event_store.h"

namespace orch {

struct TimeSpec {
  bool is_seq = false;
  int64_t time_ns = 0;  // when !is_seq
  uint64_t seq = 0;     // when is_seq
};

// `now_ns` anchors relative forms; `zone` interprets HH:MM[:SS].
// InvalidArgument names the text and the accepted forms.
absl::StatusOr<TimeSpec> ParseTimeSpec(absl::string_view text, int64_t now_ns, absl::TimeZone zone);

// Narrows `query` to events at or after `spec` (since) / before it (until;
// a seq bound is inclusive: "until seq:N" includes event N).
void ApplySince(const TimeSpec& spec, EventQuery* query);
void ApplyUntil(const TimeSpec& spec, EventQuery* query);

}  // namespace orch

#endif  // ORCH_FORMATS_TIME_SPEC_H_

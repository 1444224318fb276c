#include "formats/time_spec.h"

#include "base/time_text.h"
#include "gtest/gtest.h"

namespace orch {
namespace {

const absl::TimeZone kUtc = absl::UTCTimeZone();
const int64_t kNow = *ParseRfc3339("2026-11-25T07:30:00Z");

TEST(TimeSpecTest, ParsesEveryForm) {
  EXPECT_EQ(ParseTimeSpec("2026-11-24T22:00:00Z", kNow, kUtc)->time_ns,
            *ParseRfc3339("2026-11-24T22:00:00Z"));
  EXPECT_EQ(ParseTimeSpec("2026-11-24T23:00:00+01:00", kNow, kUtc)->time_ns,
            *ParseRfc3339("2026-11-24T22:00:00Z"));
  // HH:MM is the most recent such time: 22:00 is yesterday's, 06:15 today's.
  EXPECT_EQ(ParseTimeSpec("22:00", kNow, kUtc)->time_ns, *ParseRfc3339("2026-11-24T22:00:00Z"));
  EXPECT_EQ(ParseTimeSpec("06:15", kNow, kUtc)->time_ns, *ParseRfc3339("2026-11-25T06:15:00Z"));
  // HH:MM:SS too (it was "bad time"), the same way: 07:29:59 today,
  // 07:30:01 (a second after now) yesterday's.
  EXPECT_EQ(ParseTimeSpec("22:00:30", kNow, kUtc)->time_ns, *ParseRfc3339("2026-11-24T22:00:30Z"));
  EXPECT_EQ(ParseTimeSpec("07:29:59", kNow, kUtc)->time_ns, *ParseRfc3339("2026-11-25T07:29:59Z"));
  EXPECT_EQ(ParseTimeSpec("07:30:00", kNow, kUtc)->time_ns, kNow);
  EXPECT_EQ(ParseTimeSpec("07:30:01", kNow, kUtc)->time_ns, *ParseRfc3339("2026-11-24T07:30:01Z"));
  EXPECT_EQ(ParseTimeSpec("8h", kNow, kUtc)->time_ns, *ParseRfc3339("2026-11-24T23:30:00Z"));
  EXPECT_EQ(ParseTimeSpec("8h ago", kNow, kUtc)->time_ns, *ParseRfc3339("2026-11-24T23:30:00Z"));
  EXPECT_FALSE(ParseTimeSpec("ago", kNow, kUtc).ok());
  EXPECT_EQ(ParseTimeSpec("1h30m", kNow, kUtc)->time_ns, *ParseRfc3339("2026-11-25T06:00:00Z"));
  EXPECT_EQ(ParseTimeSpec("2d", kNow, kUtc)->time_ns, *ParseRfc3339("2026-11-23T07:30:00Z"));
  auto seq = ParseTimeSpec("seq:42", kNow, kUtc);
  EXPECT_TRUE(seq->is_seq);
  EXPECT_EQ(seq->seq, 42u);
}

TEST(TimeSpecTest, RejectsNonsenseNamingIt) {
  for (const char* bad : {"", "yesterday", "25:00", "seq:x", "12", "2026-13-01T00:00:00Z", "-5h", "22:00:60",
                          "22:60:00", "2:00:00", "22:00:5", "22:00:00:00", "22-00-00", "+1:00"}) {
    auto s = ParseTimeSpec(bad, kNow, kUtc);
    EXPECT_TRUE(absl::IsInvalidArgument(s.status())) << bad;
    EXPECT_NE(s.status().message().find(std::string("'") + bad + "'"), std::string::npos) << s.status();
  }
}

// Out-of-range times used to be clamped silently: 9999-12-31 became 2262,
// 0001-01-01 became 1677, and "99999999999999999d" ago wrapped around.
TEST(TimeSpecTest, RefusesTimesOutsideTheRangeInsteadOfClamping) {
  for (const char* bad :
       {"9999-12-31T00:00:00Z", "0001-01-01T00:00:00Z", "99999999999999999d", "25000d", "inf", "36501d"}) {
    auto s = ParseTimeSpec(bad, kNow, kUtc);
    ASSERT_FALSE(s.ok()) << bad << " became " << s->time_ns;
    EXPECT_TRUE(absl::IsInvalidArgument(s.status())) << bad;
    EXPECT_NE(s.status().message().find(std::string("'") + bad + "'"), std::string::npos) << s.status();
  }
  // 25000 days before 2026 is 1958.
  EXPECT_NE(ParseTimeSpec("25000d", kNow, kUtc).status().message().find("before 1970-01-01T00:00:00Z"),
            std::string::npos);
  EXPECT_EQ(ParseTimeSpec("10000d", kNow, kUtc)->time_ns, kNow - int64_t{10000} * 86400 * 1'000'000'000);
}

TEST(TimeSpecTest, AppliesToQueries) {
  EventQuery q;
  ApplySince(*ParseTimeSpec("seq:5", kNow, kUtc), &q);
  ApplyUntil(*ParseTimeSpec("seq:9", kNow, kUtc), &q);
  EXPECT_EQ(q.from_seq, 5u);
  EXPECT_EQ(q.to_seq, 9u);
  ApplySince(*ParseTimeSpec("22:00", kNow, kUtc), &q);
  EXPECT_EQ(*q.since_ns, *ParseRfc3339("2026-11-24T22:00:00Z"));
}

TEST(TimeTextTest, FormatsLosslesslyAndParsesDurations) {
  const int64_t t = *ParseRfc3339("2026-11-25T03:14:07.123456789Z");
  EXPECT_EQ(FormatRfc3339(t), "2026-11-25T03:14:07.123456789Z");
  EXPECT_EQ(*ParseRfc3339(FormatRfc3339(t)), t);
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("2026-11-25T03:14:07Z")), "2026-11-25T03:14:07Z");
  EXPECT_EQ(*ParseDurationSeconds("90s"), 90);
  EXPECT_EQ(*ParseDurationSeconds("15m"), 900);
  EXPECT_EQ(*ParseDurationSeconds("1d2h"), 93600);
  EXPECT_EQ(*ParseDurationSeconds("3600"), 3600);
  EXPECT_FALSE(ParseDurationSeconds("soon").ok());
  EXPECT_EQ(FormatDurationShort(3725), "1h02m");
  EXPECT_EQ(FormatDurationShort(42), "42s");
}

}  // namespace
}  // namespace orch

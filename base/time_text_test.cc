// Times and durations: the accepted range, refused rather than clamped.
#include "base/time_text.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace orch {
namespace {

TEST(TimeTextTest, RangeEndsAreAccepted) {
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseRfc3339("2261-12-31T23:59:59Z"), int64_t{9'214'646'399} * 1'000'000'000);
  EXPECT_EQ(*ParseRfc3339("2026-11-25T04:14:07+01:00"), int64_t{1'795'576'447} * 1'000'000'000);
}

TEST(TimeTextTest, TimesOutsideTheRangeAreRefusedNotClamped) {
  for (const char* t :
       {"9999-12-31T00:00:00Z", "2262-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z"}) {
    const auto r = ParseRfc3339(t);
    ASSERT_FALSE(r.ok()) << t << " became " << *r;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(t), absl::string_view::npos) << r.status();
    EXPECT_NE(r.status().message().find("outside"), absl::string_view::npos) << r.status();
  }
}

TEST(TimeTextTest, CheckTimeInRange) {
  EXPECT_TRUE(CheckTimeInRange(0, "x").ok());
  EXPECT_TRUE(CheckTimeInRange(kMaxTimeNs, "x").ok());
  EXPECT_FALSE(CheckTimeInRange(-1, "x").ok());
  EXPECT_FALSE(CheckTimeInRange(kMaxTimeNs + 1, "\"at\" 1").ok());
}

TEST(TimeTextTest, Durations) {
  EXPECT_EQ(*ParseDurationSeconds("90s"), 90);
  EXPECT_EQ(*ParseDurationSeconds("1d2h"), 93'600);
  EXPECT_EQ(*ParseDurationSeconds("0d"), 0);
  EXPECT_EQ(*ParseDurationSeconds("36500d"), kMaxDurationSeconds);
  EXPECT_EQ(*ParseDuration("250ms"), absl::Milliseconds(250));
}

TEST(TimeTextTest, DurationsThatWouldOverflowOrMeanNothingAreRefused) {
  for (const char* d : {"99999999999999999d", "36501d", "9999999999999h", "inf", "-inf", "-5s", "-5",
                        "3155760001", "1.5s", "soon", "", "d"}) {
    const auto r = ParseDurationSeconds(d);
    EXPECT_FALSE(r.ok()) << "'" << d << "' became " << *r;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find(absl::StrCat("'", d, "'")), absl::string_view::npos);
    }
  }
}

// The budgets' unit: a number is minutes, a duration must be whole minutes.
TEST(TimeTextTest, MinutesFromANumberOrADuration) {
  EXPECT_EQ(*ParseMinutes("90"), 90);
  EXPECT_EQ(*ParseMinutes("90m"), 90);
  EXPECT_EQ(*ParseMinutes("2h"), 120);
  EXPECT_EQ(*ParseMinutes("1h30m"), 90);
  EXPECT_EQ(*ParseMinutes("0"), 0);
  for (const char* bad : {"90s", "1.5m", "-5", "-5m", "soon", "", "99999999999"}) {
    const auto m = ParseMinutes(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(m.status())) << bad;
    EXPECT_NE(m.status().message().find(std::string("'") + bad + "'"), absl::string_view::npos) << m.status();
  }
}

}  // namespace
}  // namespace orch

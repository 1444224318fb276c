#include "eventstore/key_format.h"

#include "gtest/gtest.h"

namespace orch::keys {
namespace {

TEST(KeyFormatTest, KeysSortAsTheLogDoes) {
  EXPECT_LT(Event(9), Event(10));
  EXPECT_LT(Event(255), Event(256));
  EXPECT_LT(Task("T1", 2), Task("T1", 10));
  EXPECT_LT(Task("T1", 99), Task("T10", 1));  // the 0x00 separator keeps T1 apart from T10
  EXPECT_LT(Time(-5, 1), Time(3, 1));         // negative instants first
  EXPECT_LT(Time(100, 7), Time(100, 8));
  EXPECT_LT(Type(3, 1000), Type(4, 1));
}

TEST(KeyFormatTest, RoundTrips) {
  EXPECT_EQ(TrailingSeq(Event(123456789)), 123456789u);
  EXPECT_EQ(TrailingSeq(Time(-42, 77)), 77u);
  EXPECT_EQ(TimeOf(Time(-42, 77)), -42);
  EXPECT_EQ(TimeOf(Time(1'795'600'000'000'000'000, 1)), 1'795'600'000'000'000'000);
  EXPECT_EQ(TrailingSeq(Type(9, 5)), 5u);
}

}  // namespace
}  // namespace orch::keys

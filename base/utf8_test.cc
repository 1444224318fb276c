// UTF-8 validation: the byte offsets of ill-formed sequences.
#include "base/utf8.h"

#include "gtest/gtest.h"

namespace orch {
namespace {

TEST(Utf8Test, ValidTextHasNoInvalidByte) {
  EXPECT_EQ(FirstInvalidUtf8(""), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8("plain ascii"), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), std::nullopt);  // é € 😀
  EXPECT_EQ(FirstInvalidUtf8("\xf4\x8f\xbf\xbf"), std::nullopt);                           // U+10FFFF
}

TEST(Utf8Test, NamesTheFirstBadByte) {
  EXPECT_EQ(FirstInvalidUtf8("ab\xff"), 2u);
  EXPECT_EQ(FirstInvalidUtf8("\x80"), 0u);               // lone continuation byte
  EXPECT_EQ(FirstInvalidUtf8("x\xc3"), 1u);              // truncated sequence
  EXPECT_EQ(FirstInvalidUtf8("x\xc0\xaf"), 1u);          // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8("x\xe0\x80\xaf"), 1u);      // overlong, three bytes
  EXPECT_EQ(FirstInvalidUtf8("xy\xed\xa0\x80"), 2u);     // surrogate U+D800
  EXPECT_EQ(FirstInvalidUtf8("\xf4\x90\x80\x80"), 0u);   // above U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8("\xc3\xa9\xe2\x82z"), 2u);  // é, then a cut sequence
}

TEST(Utf8Test, DecodesCodePoints) {
  char32_t cp = 0;
  EXPECT_EQ(DecodeUtf8("\xe2\x80\x8b", &cp), 3u);
  EXPECT_EQ(cp, 0x200Bu);
  EXPECT_EQ(DecodeUtf8("\xc2\x85", &cp), 2u);
  EXPECT_EQ(cp, 0x85u);
  EXPECT_EQ(DecodeUtf8("\xff", &cp), 0u);
  EXPECT_EQ(DecodeUtf8("", &cp), 0u);
}

TEST(Utf8Test, CheckNamesWhatAndWhere) {
  EXPECT_TRUE(CheckUtf8("fine", "--note").ok());
  const absl::Status s = CheckUtf8("ab\xfe", "--note");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "invalid UTF-8 in --note at byte 2");
}

}  // namespace
}  // namespace orch

// The visible forms human-facing output gives control characters.
#include "base/display_text.h"

#include "gtest/gtest.h"

namespace orch {
namespace {

TEST(DisplayTextTest, PlainTextIsUnchanged) {
  EXPECT_EQ(EscapeForDisplay("Cart total: 3 € — ok \\ path"), "Cart total: 3 € — ok \\ path");
  EXPECT_EQ(EscapeForDisplay(""), "");
}

TEST(DisplayTextTest, TerminalControlsBecomeVisible) {
  // Retitle the terminal, ring the bell, clear the screen, overwrite a line.
  EXPECT_EQ(EscapeForDisplay("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");
  EXPECT_EQ(EscapeForDisplay("\x1b[2J"), "\\x1b[2J");
  EXPECT_EQ(EscapeForDisplay("ok\rFAIL"), "ok\\rFAIL");
  EXPECT_EQ(EscapeForDisplay("a\nb\tc"), "a\\nb\\tc");
  EXPECT_EQ(EscapeForDisplay(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(EscapeForDisplay("del\x7f"), "del\\x7f");
}

TEST(DisplayTextTest, C1BidiAndSeparatorsBecomeVisible) {
  EXPECT_EQ(EscapeForDisplay("a\xc2\x9b"
                             "31m"),
            "a\\u009b31m");                                              // CSI as one C1 character
  EXPECT_EQ(EscapeForDisplay("\xe2\x80\xaetxt.exe"), "\\u202etxt.exe");  // right-to-left override
  EXPECT_EQ(EscapeForDisplay("a\xe2\x80\xa8"
                             "b"),
            "a\\u2028b");                                    // line separator
  EXPECT_EQ(EscapeForDisplay("\xe2\x81\xa6x"), "\\u2066x");  // left-to-right isolate
}

TEST(DisplayTextTest, InvalidUtf8BytesBecomeVisible) {
  EXPECT_EQ(EscapeForDisplay("a\xff"
                             "b\xc3"),
            "a\\xffb\\xc3");
}

TEST(DisplayTextTest, PiecesSeparatePlainRunsFromEscapes) {
  std::string seen;
  ForEachDisplayPiece("ab\ncd\x1b", [&seen](absl::string_view piece, bool escaped) {
    seen += escaped ? "[" + std::string(piece) + "]" : std::string(piece);
  });
  EXPECT_EQ(seen, "ab[\\n]cd[\\x1b]");
}

}  // namespace
}  // namespace orch

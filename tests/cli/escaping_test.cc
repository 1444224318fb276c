// Text from events reaches terminals and Markdown viewers only escaped:
// a title or note holding ESC, BEL, CR or newlines cannot retitle the
// terminal, clear the screen, or forge lines. JSON outputs stay lossless.
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/emit_modes.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

// OSC 0 (set the window title) ended by BEL, then a newline that would
// start a forged timeline entry / Markdown heading, a CR that would
// overwrite the line, and "clear screen".
const std::string kTitle = "evil\x1b]0;pwned\x07\n#99 2026-11-25 fake line | x";
const std::string kNote = "ok\r\x1b[2J\n## Hacked\n- [x] forged";

// Control characters a human-facing output may contain: its own newlines.
void ExpectNoControls(const std::string& text, const std::string& what) {
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') continue;
    ASSERT_FALSE(c < 0x20 || c == 0x7f)
        << what << ": control 0x" << std::hex << int(c) << " at " << i << ":\n"
        << text;
  }
}

bool HasLineStartingWith(const std::string& text, const std::string& prefix) {
  size_t pos = 0;
  while (pos < text.size()) {
    if (text.compare(pos, prefix.size(), prefix) == 0) return true;
    pos = text.find('\n', pos);
    if (pos == std::string::npos) break;
    ++pos;
  }
  return false;
}

class EscapingTest : public EmitModeTest {
 protected:
  void SetUp() override {
    EmitModeTest::SetUp();
    store_ = tmp_.Sub("store");
    ASSERT_EQ(Orch(store_, {"init"}).exit_code, 0);
    ASSERT_EQ(Orch(store_, {"lane", "open", "work"}).exit_code, 0);
    RunResult r = Orch(store_, {"emit", "dispatched", "--task", "T1", "--title", kTitle, "--note", kNote,
                                "--package-id", "work"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = Orch(store_, {"emit", "blocked", "--task", "T1", "--reason", kNote, "--needs-human"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  TempDir tmp_;
  std::string store_;
};

TEST_P(EscapingTest, ReplayTextShowsControlsVisibly) {
  RunResult r = Orch(store_, {"replay"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectNoControls(r.out, "replay");
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 4) << "one line per event:\n" << r.out;
  EXPECT_NE(r.out.find("evil\\x1b]0;pwned\\x07\\n#99 2026-11-25 fake line"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok\\r\\x1b[2J\\n## Hacked"), std::string::npos) << r.out;
  EXPECT_FALSE(HasLineStartingWith(r.out, "#99")) << r.out;
}

TEST_P(EscapingTest, StatusTextShowsControlsVisibly) {
  RunResult r = Orch(store_, {"status"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectNoControls(r.out, "status");
  EXPECT_NE(r.out.find("evil\\x1b]0;pwned\\x07\\n#99"), std::string::npos) << r.out;
  EXPECT_FALSE(HasLineStartingWith(r.out, "#99")) << r.out;
  EXPECT_FALSE(HasLineStartingWith(r.out, "## Hacked")) << r.out;
}

TEST_P(EscapingTest, StatusMarkdownCannotBeForged) {
  RunResult r = Orch(store_, {"status", "--format", "md"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string& md = r.out;
  ExpectNoControls(md, "status.md");
  EXPECT_FALSE(HasLineStartingWith(md, "#99")) << md;
  EXPECT_FALSE(HasLineStartingWith(md, "## Hacked")) << md;
  EXPECT_FALSE(HasLineStartingWith(md, "- [x] forged")) << md;
  EXPECT_NE(md.find("\\\\x1b\\]0;pwned\\\\x07\\\\n\\#99"), std::string::npos) << md;
  // Every row of the task table keeps its 8 cell borders: the title's '|'
  // is escaped.
  const size_t row = md.find("\n| T1 |");
  ASSERT_NE(row, std::string::npos) << md;
  const std::string line = md.substr(row + 1, md.find('\n', row + 1) - row - 1);
  int borders = 0;
  for (size_t i = 0; i < line.size(); ++i) borders += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
  EXPECT_EQ(borders, 8) << line;
}

TEST_P(EscapingTest, StatusHtmlShowsControlsVisibly) {
  RunResult r = Orch(store_, {"status", "--format", "html"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectNoControls(r.out, "status.html");
  EXPECT_NE(r.out.find("evil\\x1b]0;pwned\\x07\\n#99"), std::string::npos);
}

TEST_P(EscapingTest, JsonOutputsStayLossless) {
  RunResult r = Orch(store_, {"replay", "--format", "jsonl", "--task", "T1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectNoControls(r.out, "jsonl");  // JSON escapes them
  const auto first = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')));
  EXPECT_EQ(first["payload"]["title"], kTitle);
  EXPECT_EQ(first["note"], kNote);
  r = Orch(store_, {"ledger"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["tasks"][0]["title"], kTitle);
}

TEST_P(EscapingTest, ErrorMessagesQuoteInputEscaped) {
  RunResult r = Orch(store_, {"emit", "note", "--text", "x", "--at", "\x1b]0;pwned\x07\nsoon"});
  EXPECT_EQ(r.exit_code, 2);
  ExpectNoControls(r.err, "stderr");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("'\\x1b]0;pwned\\x07\\nsoon'"), std::string::npos) << r.err;
  r = Orch(store_, {"emit", "\x1b[2Jdeploy"});
  EXPECT_EQ(r.exit_code, 2);
  ExpectNoControls(r.err, "stderr");
  EXPECT_NE(r.err.find("'\\x1b[2Jdeploy'"), std::string::npos) << r.err;
}

ORCH_BOTH_EMIT_MODES(EscapingTest);

}  // namespace
}  // namespace orch::testing

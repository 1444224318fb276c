// orch lint-evidence on the fixture documents in fixtures/lint-evidence/:
// every planted overclaim (a line marked "<!-- planted -->") is found, with
// its line number, and nothing else; negated sentences raise nothing.
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

std::string Fixture(const std::string& name) { return SourceDir() + "/fixtures/lint-evidence/" + name; }

// Line numbers the fixture marks as planted.
std::set<size_t> Planted(const std::string& path) {
  std::set<size_t> out;
  size_t n = 0;
  for (absl::string_view line : absl::StrSplit(ReadFile(path), '\n')) {
    ++n;
    if (line.find("<!-- planted -->") != absl::string_view::npos) out.insert(n);
  }
  return out;
}

// Line numbers of `orch lint-evidence` findings for `path`.
std::set<size_t> Found(const std::string& out, const std::string& path) {
  std::set<size_t> lines;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    EXPECT_EQ(line.substr(0, path.size() + 1), path + ":") << line;
    absl::string_view rest = line.substr(path.size() + 1);
    size_t n = 0;
    EXPECT_TRUE(absl::SimpleAtoi(rest.substr(0, rest.find(':')), &n)) << line;
    lines.insert(n);
  }
  return lines;
}

TEST(LintEvidenceCliTest, FindsEveryPlantedOverclaimAndNothingElse) {
  TempDir dir;
  const std::string doc = Fixture("overclaims.md");
  const std::set<size_t> planted = Planted(doc);
  ASSERT_GE(planted.size(), 9u);
  RunResult r = Orch(dir.Sub("store"), {"lint-evidence", doc});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(Found(r.out, doc), planted) << r.out;
  EXPECT_NE(r.out.find(":9: weak-called-strong: 'unit test' proof called 'direct'"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(": label-without-gate: label 'direct' with no gate behind it"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.err, "orch: " + std::to_string(planted.size()) + " overclaim(s) found\n");
}

TEST(LintEvidenceCliTest, NegatedSentencesAreNotFindings) {
  TempDir dir;
  const std::string doc = Fixture("negated.md");
  RunResult r = Orch(dir.Sub("store"), {"lint-evidence", doc});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "");
}

TEST(LintEvidenceCliTest, BadInputIsExitTwoAndReportsNothing) {
  TempDir dir;
  RunResult r = Orch(dir.Sub("store"), {"lint-evidence", Fixture("overclaims.md"), dir.Sub("missing.md")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("missing.md"), std::string::npos) << r.err;
  EXPECT_EQ(Orch(dir.Sub("store"), {"lint-evidence"}).exit_code, 2);
}

}  // namespace
}  // namespace orch::testing

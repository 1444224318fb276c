// The overclaim finder of projections/evidence_lint.h.
#include "projections/evidence_lint.h"

#include "gtest/gtest.h"

namespace orch {
namespace {

std::vector<size_t> Lines(absl::string_view doc) {
  std::vector<size_t> out;
  for (const LintFinding& f : LintEvidence(doc)) out.push_back(f.line);
  return out;
}

TEST(EvidenceLintTest, WeakProofCalledStrong) {
  const auto f = LintEvidence("Tested locally: direct proof.\n");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].line, 1u);
  EXPECT_EQ(f[0].rule, "weak-called-strong");
  EXPECT_NE(f[0].message.find("'locally' proof called 'direct'"), std::string::npos) << f[0].message;
  EXPECT_EQ(Lines("ok\nThe proxy run is production proof.\n"), std::vector<size_t>{2});
  EXPECT_EQ(Lines("Mocked services give pre-production evidence.\n"), std::vector<size_t>{1});
  EXPECT_EQ(Lines("Unit tests prove prod behaviour.\n"), std::vector<size_t>{1});
}

TEST(EvidenceLintTest, NegatedClaimsAreNotFindings) {
  EXPECT_TRUE(Lines("This is not direct proof, only a local run.\n").empty());
  EXPECT_TRUE(Lines("The local run isn't production evidence.\n").empty());
  EXPECT_TRUE(Lines("Local tests pass, but this is not direct proof.\n").empty());
  EXPECT_TRUE(Lines("We never saw production with the proxy.\n").empty());
  // The negation belongs to its clause only.
  EXPECT_EQ(Lines("The proxy is not slow, but it gives direct proof.\n"), std::vector<size_t>{1});
}

TEST(EvidenceLintTest, StrongWordsWithoutWeakProofAreNotOverclaims) {
  EXPECT_TRUE(Lines("The production gate passed after the deploy.\n").empty());
  EXPECT_TRUE(Lines("Local change; production untouched.\n").empty()) << "';' ends a sentence";
  EXPECT_TRUE(Lines("The local directory holds the production-ready config.\n").empty());
}

TEST(EvidenceLintTest, LabelsNeedAGateBehindThem) {
  EXPECT_EQ(Lines("Evidence: direct\n"), std::vector<size_t>{1});
  EXPECT_EQ(Lines("**Evidence label** = `prod`\n"), std::vector<size_t>{1});
  EXPECT_EQ(Lines("label: proxy\n"), std::vector<size_t>{1});
  EXPECT_TRUE(Lines("Evidence: direct, backed by the e2e gate.\n").empty());
  EXPECT_TRUE(Lines("Evidence: blocked\n").empty()) << "blocked claims nothing";
  EXPECT_TRUE(Lines("Evidence: none yet\n").empty());
  EXPECT_TRUE(Lines("The evidence is weak.\n").empty());
  const auto f = LintEvidence("evidence = pre\n");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule, "label-without-gate");
}

TEST(EvidenceLintTest, CodeBlocksAreSkippedAndLinesCounted) {
  EXPECT_EQ(Lines("a\n```\nlocal is direct proof\nevidence: prod\n```\nlocal is direct proof\n"),
            std::vector<size_t>{6});
  EXPECT_EQ(Lines("a\r\nEvidence: prod\r\n"), std::vector<size_t>{2});
}

}  // namespace
}  // namespace orch

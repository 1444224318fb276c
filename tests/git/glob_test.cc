// The path glob matcher of git/glob.h.
#include "git/glob.h"

#include "gtest/gtest.h"

namespace orch::git {
namespace {

TEST(GlobTest, StarStaysInOneSegment) {
  EXPECT_TRUE(GlobMatch("src/*.cc", "src/app.cc"));
  EXPECT_FALSE(GlobMatch("src/*.cc", "src/lib/util.cc"));
  EXPECT_FALSE(GlobMatch("*.key", "secrets/prod.key"));
  EXPECT_TRUE(GlobMatch("*.key", "prod.key"));
  EXPECT_TRUE(GlobMatch("src/*", "src/.hidden"));
}

TEST(GlobTest, QuestionMarkAndClasses) {
  EXPECT_TRUE(GlobMatch("v?.txt", "v1.txt"));
  EXPECT_FALSE(GlobMatch("v?.txt", "v12.txt"));
  EXPECT_FALSE(GlobMatch("a?b", "a/b"));
  EXPECT_TRUE(GlobMatch("log[0-9].txt", "log7.txt"));
  EXPECT_FALSE(GlobMatch("log[!0-9].txt", "log7.txt"));
}

TEST(GlobTest, DoubleStarMatchesZeroOrMoreDirectories) {
  const char* p = "src/**/secret/*.key";
  EXPECT_TRUE(GlobMatch(p, "src/secret/a.key"));
  EXPECT_TRUE(GlobMatch(p, "src/a/secret/a.key"));
  EXPECT_TRUE(GlobMatch(p, "src/a/b/c/secret/a.key"));
  EXPECT_FALSE(GlobMatch(p, "src/secret/sub/a.key"));
  EXPECT_FALSE(GlobMatch(p, "lib/secret/a.key"));
  EXPECT_FALSE(GlobMatch(p, "src/a/secrets/a.key"));
  EXPECT_FALSE(GlobMatch(p, "src/a/secret/a.pem"));
}

TEST(GlobTest, LeadingAndTrailingDoubleStar) {
  EXPECT_TRUE(GlobMatch("**/*.key", "a.key"));
  EXPECT_TRUE(GlobMatch("**/*.key", "x/y/a.key"));
  EXPECT_TRUE(GlobMatch("docs/**", "docs/a.md"));
  EXPECT_TRUE(GlobMatch("docs/**", "docs/x/y/a.md"));
  EXPECT_FALSE(GlobMatch("docs/**", "doc/a.md"));
  EXPECT_TRUE(GlobMatch("**", "anything/at/all"));
  EXPECT_TRUE(GlobMatch("a/**/**/b", "a/x/b"));
}

TEST(GlobTest, TrailingSlashMeansEverythingBelow) {
  EXPECT_TRUE(GlobMatch("web/checkout/", "web/checkout/form.tsx"));
  EXPECT_TRUE(GlobMatch("web/checkout/", "web/checkout/a/b.tsx"));
  EXPECT_FALSE(GlobMatch("web/checkout/", "web/cart/form.tsx"));
}

TEST(GlobTest, AnchoredWholePath) {
  EXPECT_TRUE(GlobMatch("README.md", "README.md"));
  EXPECT_FALSE(GlobMatch("README.md", "docs/README.md"));
  EXPECT_FALSE(GlobMatch("src", "src/app.cc"));  // name a directory with src/ or src/**
  EXPECT_TRUE(GlobMatch("./src/*.cc", "src/app.cc"));
  EXPECT_FALSE(GlobMatch("", "a"));
}

TEST(GlobTest, EscapedMetacharacters) {
  EXPECT_TRUE(GlobMatch("a\\*b", "a*b"));
  EXPECT_FALSE(GlobMatch("a\\*b", "axb"));
}

TEST(GlobTest, MatchAny) {
  EXPECT_FALSE(GlobMatchAny({}, "a"));
  EXPECT_TRUE(GlobMatchAny({"docs/**", "src/**"}, "src/a.cc"));
  EXPECT_FALSE(GlobMatchAny({"docs/**", "src/**"}, "lib/a.cc"));
}

}  // namespace
}  // namespace orch::git

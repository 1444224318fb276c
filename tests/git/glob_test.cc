// The path glob matcher of git/glob.h.
#include "git/glob.h"

#include <fnmatch.h>

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
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

// Patterns a backtracking matcher takes exponential time on: ten "**/*"
// pairs against a deep path that does not match (the old matcher tried
// every split of the path between the "**"s: about 50 s in `inspect`), and
// many stars in one segment against a long name. The result is what is
// asserted; the speed is what makes this test finish.
TEST(GlobTest, PathologicalPatternsAreDecidedCorrectly) {
  std::string pattern;
  for (int i = 0; i < 10; ++i) pattern += "**/*/";
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "d/";
  EXPECT_FALSE(GlobMatch(pattern + "never.key", deep + "x.key"));
  EXPECT_TRUE(GlobMatch(pattern + "x.key", deep + "x.key"));
  EXPECT_FALSE(GlobMatch(pattern + "x.key", "d/d/d/x.key")) << "needs at least ten directories";

  const std::string stars = "*a*a*a*a*a*a*a*a*a*a*a*a*b";
  EXPECT_FALSE(GlobMatch(stars, std::string(200, 'a')));
  EXPECT_TRUE(GlobMatch(stars, std::string(200, 'a') + "b"));
}

TEST(GlobTest, StarsClassesAndEscapesWithinOneSegment) {
  EXPECT_TRUE(GlobMatch("*", "a"));
  EXPECT_FALSE(GlobMatch("*", "a/b"));
  EXPECT_TRUE(GlobMatch("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "aXbYbZ"));
  EXPECT_TRUE(GlobMatch("*.tar.gz", "x.tar.gz"));
  EXPECT_TRUE(GlobMatch("[]]x", "]x"));
  EXPECT_TRUE(GlobMatch("[!]]x", "ax"));
  EXPECT_TRUE(GlobMatch("[^a]x", "bx"));
  EXPECT_FALSE(GlobMatch("[^a]x", "ax"));
  EXPECT_TRUE(GlobMatch("[a-c-]x", "-x"));
  EXPECT_TRUE(GlobMatch("[[:digit:]][[:alpha:]]", "7q"));
  EXPECT_FALSE(GlobMatch("[[:digit:]]", "q"));
  EXPECT_TRUE(GlobMatch("[ab", "[ab")) << "an unclosed bracket is a literal";
  EXPECT_TRUE(GlobMatch("a\\?", "a?"));
  EXPECT_FALSE(GlobMatch("a\\?", "ab"));
  EXPECT_TRUE(GlobMatch("[\\]]", "]"));
  EXPECT_TRUE(GlobMatch("**.cc", "a.cc")) << "** inside a segment is a plain *";
  EXPECT_FALSE(GlobMatch("**.cc", "x/a.cc"));
}

// The reference: the previous matcher (backtracking over segments, glibc's
// fnmatch within one), exponential but right on small inputs.
bool ReferenceFrom(const std::vector<std::string>& pat, size_t pi, const std::vector<std::string>& path,
                   size_t si) {
  if (pi == pat.size()) return si == path.size();
  if (pat[pi] == "**") {
    for (size_t k = si; k <= path.size(); ++k) {
      if (ReferenceFrom(pat, pi + 1, path, k)) return true;
    }
    return false;
  }
  return si < path.size() && fnmatch(pat[pi].c_str(), path[si].c_str(), 0) == 0 &&
         ReferenceFrom(pat, pi + 1, path, si + 1);
}

bool Reference(const std::string& pattern, const std::string& path) {
  std::vector<std::string> pat = absl::StrSplit(pattern, '/', absl::SkipEmpty());
  if (pat.empty()) return false;
  if (pattern.back() == '/') pat.push_back("**");
  return ReferenceFrom(pat, 0, absl::StrSplit(path, '/', absl::SkipEmpty()), 0);
}

TEST(GlobTest, AgreesWithTheBacktrackingReferenceOnSmallInputs) {
  std::mt19937 rng(20261125);
  const std::string pat_chars = "ab*?/[]!-";
  const std::string path_chars = "ab/-]";
  const auto pick = [&rng](const std::string& from, size_t max_len) {
    std::string out(std::uniform_int_distribution<size_t>(1, max_len)(rng), ' ');
    for (char& c : out) c = from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
    return out;
  };
  for (int i = 0; i < 200000; ++i) {
    std::string pattern = pick(pat_chars, 9);
    if (i % 3 == 0) pattern = "**/" + pattern;
    if (i % 5 == 0) pattern += "/**/b";
    const std::string path = pick(path_chars, 9);
    ASSERT_EQ(GlobMatch(pattern, path), Reference(pattern, path))
        << "'" << pattern << "' vs '" << path << "'";
  }
}

TEST(GlobTest, MatchAny) {
  EXPECT_FALSE(GlobMatchAny({}, "a"));
  EXPECT_TRUE(GlobMatchAny({"docs/**", "src/**"}, "src/a.cc"));
  EXPECT_FALSE(GlobMatchAny({"docs/**", "src/**"}, "lib/a.cc"));
}

}  // namespace
}  // namespace orch::git

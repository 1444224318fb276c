// The path glob matcher of git/glob.h.
#include "base/glob.h"

#include <fnmatch.h>

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace orch {
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

TEST(GlobIntersectTest, DoubleStarOverlapsWhatIsBelowIt) {
  EXPECT_TRUE(GlobsIntersect("src/**", "src/api/*.ts"));
  EXPECT_TRUE(GlobsIntersect("src/api/*.ts", "src/**"));
  EXPECT_TRUE(GlobsIntersect("**", "a/b/c.txt"));
  EXPECT_TRUE(GlobsIntersect("**/*.key", "secrets/**"));
  EXPECT_TRUE(GlobsIntersect("src/**/test/*.cc", "src/a/**"));
  EXPECT_TRUE(GlobsIntersect("src/**/x", "**/y/**")) << "src/y/x";
  EXPECT_TRUE(GlobsIntersect("docs/", "docs/api/*.md")) << "a trailing slash is docs/**";
  EXPECT_TRUE(GlobsIntersect("a/**/**/b", "a/b"));
  EXPECT_TRUE(GlobsIntersect("docs/**", "docs")) << "** may match zero directories, as GlobMatch does";
}

TEST(GlobIntersectTest, DisjointTreesDoNotOverlap) {
  EXPECT_FALSE(GlobsIntersect("src/a/**", "src/b/**"));
  EXPECT_FALSE(GlobsIntersect("web/checkout/", "web/cart/"));
  EXPECT_FALSE(GlobsIntersect("src/*.cc", "src/*/*.cc")) << "different depths";
  EXPECT_FALSE(GlobsIntersect("*.key", "a/**")) << "top level only vs below a/";
  EXPECT_FALSE(GlobsIntersect("src/**/*.ts", "src/**/*.cc"));
  EXPECT_FALSE(GlobsIntersect("README.md", "docs/README.md"));
  EXPECT_TRUE(GlobsIntersect("**/secret/*", "**/public/*.md/**/x")) << "public/a.md/secret/x";
  EXPECT_FALSE(GlobsIntersect("**/secret/*.key", "**/public/*.md")) << "the last names never agree";
}

TEST(GlobIntersectTest, StarsWithinOneSegment) {
  EXPECT_TRUE(GlobsIntersect("src/a*", "src/*b")) << "src/ab";
  EXPECT_TRUE(GlobsIntersect("*.tar.gz", "x.*"));
  EXPECT_FALSE(GlobsIntersect("*.cc", "*.h"));
  EXPECT_TRUE(GlobsIntersect("a*b*c", "*bc")) << "abc";
  EXPECT_FALSE(GlobsIntersect("a*", "b*"));
  EXPECT_TRUE(GlobsIntersect("a*", "*"));
  EXPECT_FALSE(GlobsIntersect("*", "a/b")) << "* never crosses a slash";
}

TEST(GlobIntersectTest, QuestionMarksAndClasses) {
  EXPECT_TRUE(GlobsIntersect("v?.txt", "v[0-9].txt"));
  EXPECT_FALSE(GlobsIntersect("v?.txt", "v??.txt"));
  EXPECT_FALSE(GlobsIntersect("log[0-9]", "log[a-z]"));
  EXPECT_TRUE(GlobsIntersect("log[0-5]", "log[4-9]"));
  EXPECT_FALSE(GlobsIntersect("log[!0-9]", "log[0-9]"));
  EXPECT_TRUE(GlobsIntersect("log[!0-9]", "log?"));
  EXPECT_TRUE(GlobsIntersect("[[:digit:]]*", "7*"));
  EXPECT_FALSE(GlobsIntersect("[[:digit:]]*", "[[:alpha:]]*"));
  EXPECT_TRUE(GlobsIntersect("a\\*", "a[*]")) << "the literal name a*";
  EXPECT_FALSE(GlobsIntersect("a\\*", "ab"));
}

TEST(GlobIntersectTest, EmptyPatternsOverlapNothing) {
  EXPECT_FALSE(GlobsIntersect("", "**"));
  EXPECT_FALSE(GlobsIntersect("/", "**"));
}

// Patterns a backtracking intersection would take exponential time on;
// the answer is asserted, the speed is what lets the test finish.
TEST(GlobIntersectTest, PathologicalPatternsAreDecided) {
  std::string a, b;
  for (int i = 0; i < 30; ++i) {
    a += "**/*a*a*a*/";
    b += "*/**/";
  }
  EXPECT_TRUE(GlobsIntersect(a + "x", b + "x"));
  EXPECT_FALSE(GlobsIntersect(a + "x", b + "y"));
  EXPECT_FALSE(GlobsIntersect(std::string(60, '?') + "*a*a*a*a*a*a*a*a*a*b", "*a"));
}

// Small random patterns over a tiny alphabet, decided by brute force: every
// path of at most two names of at most three letters from {a, b, c} is
// matched against both with GlobMatch. Patterns of at most two segments of
// at most three tokens drawn from these (classes never exclude all of
// {a, b, c}) have a common path only if they have one that short, so the
// search is a complete reference: both directions are checked.
std::string RandomPattern(std::mt19937& rng) {
  static const char* kTokens[] = {"a", "b", "?", "*", "[ab]", "[!a]", "[a-c]"};
  std::uniform_int_distribution<int> segs(1, 2), toks(1, 3), tok(0, 6), star(0, 4);
  std::string out;
  const int n = segs(rng);
  for (int s = 0; s < n; ++s) {
    if (s > 0) out += "/";
    if (star(rng) == 0) {
      out += "**";
      continue;
    }
    const int k = toks(rng);
    for (int t = 0; t < k; ++t) out += kTokens[tok(rng)];
  }
  return out;
}

std::vector<std::string> SmallPaths() {
  std::vector<std::string> names;
  for (int len = 1; len <= 3; ++len) {
    std::string n(len, 'a');
    while (true) {
      names.push_back(n);
      int i = len - 1;
      while (i >= 0 && n[i] == 'c') n[i--] = 'a';
      if (i < 0) break;
      ++n[i];
    }
  }
  std::vector<std::string> paths = names;
  for (const std::string& x : names) {
    for (const std::string& y : names) paths.push_back(x + "/" + y);
  }
  return paths;
}

TEST(GlobIntersectTest, AgreesWithTheMatcherOnEveryShortPath) {
  const std::vector<std::string> paths = SmallPaths();
  ASSERT_EQ(paths.size(), 39u + 39u * 39u);
  std::mt19937 rng(20240611);
  int overlapping = 0;
  for (int round = 0; round < 400; ++round) {
    const std::string a = RandomPattern(rng), b = RandomPattern(rng);
    std::string witness;
    for (const std::string& p : paths) {
      if (GlobMatch(a, p) && GlobMatch(b, p)) {
        witness = p;
        break;
      }
    }
    EXPECT_EQ(GlobsIntersect(a, b), !witness.empty())
        << "'" << a << "' and '" << b << "'"
        << (witness.empty() ? " have no common short path" : " both match ") << witness;
    EXPECT_EQ(GlobsIntersect(a, b), GlobsIntersect(b, a)) << a << " vs " << b;
    overlapping += witness.empty() ? 0 : 1;
  }
  // Both answers must be exercised, or the cross-check proves little.
  EXPECT_GT(overlapping, 40);
  EXPECT_LT(overlapping, 360);
}

// Deeper random patterns against paths generated from them: whenever a
// path matches both, the intersection must say so.
std::string Instantiate(const std::string& pattern, std::mt19937& rng) {
  std::uniform_int_distribution<int> coin(0, 2), letter(0, 2);
  std::string out;
  for (absl::string_view seg : absl::StrSplit(pattern, '/', absl::SkipEmpty())) {
    if (seg == "**") {
      const int dirs = coin(rng);
      for (int d = 0; d < dirs; ++d) out += std::string(1, static_cast<char>('a' + letter(rng))) + "/";
      continue;
    }
    std::string name;
    for (size_t i = 0; i < seg.size(); ++i) {
      const char ch = seg[i];
      if (ch == '*') {
        const int n = coin(rng);
        for (int k = 0; k < n; ++k) name += static_cast<char>('a' + letter(rng));
      } else if (ch == '?') {
        name += static_cast<char>('a' + letter(rng));
      } else if (ch == '[') {
        const size_t close = seg.find(']', i + 1);
        name += seg.substr(i + 1, 1) == "!" ? 'c' : seg[i + 1];
        i = close;
      } else {
        name += ch;
      }
    }
    out += (name.empty() ? "a" : name) + "/";
  }
  if (!out.empty()) out.pop_back();
  return out;
}

TEST(GlobIntersectTest, EveryPathMatchingBothIsSeen) {
  std::mt19937 rng(7);
  int both = 0;
  for (int round = 0; round < 300; ++round) {
    std::string a = RandomPattern(rng), b = RandomPattern(rng);
    for (int more = 0; more < 2; ++more) {
      a += "/" + RandomPattern(rng);
      b += "/" + RandomPattern(rng);
    }
    for (int k = 0; k < 60; ++k) {
      const std::string p = Instantiate(k % 2 == 0 ? a : b, rng);
      if (p.empty() || !GlobMatch(a, p) || !GlobMatch(b, p)) continue;
      ++both;
      EXPECT_TRUE(GlobsIntersect(a, b)) << a << " and " << b << " both match " << p;
      break;
    }
  }
  EXPECT_GT(both, 20) << "the generator must find common paths";
}

}  // namespace
}  // namespace orch

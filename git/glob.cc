#include "git/glob.h"

#include <algorithm>
#include <bitset>
#include <cctype>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace orch::git {

namespace {

// Both levels of the matcher run in time proportional to pattern size times
// path size, whatever the pattern: a task's allowed and forbidden globs are
// written by whoever dispatches it, and `inspect` must not hang on one
// ("**/*/**/*/..." made the old backtracking matcher take minutes).

// One element of a segment pattern.
struct Token {
  enum Kind { kLiteral, kAnyChar, kStar, kClass } kind = kLiteral;
  unsigned char literal = 0;
  std::bitset<256> members;  // kClass: the bytes it matches (negation applied)
};

bool InNamedClass(absl::string_view name, unsigned char c) {
  if (name == "alpha") return std::isalpha(c);
  if (name == "digit") return std::isdigit(c);
  if (name == "alnum") return std::isalnum(c);
  if (name == "upper") return std::isupper(c);
  if (name == "lower") return std::islower(c);
  if (name == "space") return std::isspace(c);
  if (name == "blank") return c == ' ' || c == '\t';
  if (name == "punct") return std::ispunct(c);
  if (name == "xdigit") return std::isxdigit(c);
  if (name == "cntrl") return std::iscntrl(c);
  if (name == "print") return std::isprint(c);
  if (name == "graph") return std::isgraph(c);
  return false;
}

// Parses "[...]" starting at p[i] == '['. Returns the index after ']', or 0
// when the bracket is not closed (then '[' is an ordinary character, as in
// fnmatch).
size_t ParseClass(absl::string_view p, size_t i, Token* t) {
  size_t j = i + 1;
  bool negate = false;
  if (j < p.size() && (p[j] == '!' || p[j] == '^')) {
    negate = true;
    ++j;
  }
  std::bitset<256> set;
  bool first = true;
  while (j < p.size() && (first || p[j] != ']')) {
    first = false;
    if (p[j] == '[' && j + 1 < p.size() && p[j + 1] == ':') {
      const size_t close = p.find(":]", j + 2);
      if (close != absl::string_view::npos) {
        const absl::string_view name = p.substr(j + 2, close - j - 2);
        for (int c = 0; c < 256; ++c) {
          if (InNamedClass(name, static_cast<unsigned char>(c))) set.set(c);
        }
        j = close + 2;
        continue;
      }
    }
    unsigned char lo = static_cast<unsigned char>(p[j]);
    if (lo == '\\' && j + 1 < p.size()) lo = static_cast<unsigned char>(p[++j]);
    ++j;
    unsigned char hi = lo;
    if (j + 1 < p.size() && p[j] == '-' && p[j + 1] != ']') {
      hi = static_cast<unsigned char>(p[j + 1]);
      if (hi == '\\' && j + 2 < p.size()) {
        hi = static_cast<unsigned char>(p[j + 2]);
        ++j;
      }
      j += 2;
    }
    for (int c = lo; c <= hi; ++c) set.set(c);
  }
  if (j >= p.size()) return 0;  // no closing ']'
  t->kind = Token::kClass;
  t->members = negate ? ~set : set;
  return j + 1;
}

std::vector<Token> Tokenize(absl::string_view p) {
  std::vector<Token> out;
  for (size_t i = 0; i < p.size();) {
    Token t;
    if (p[i] == '*') {
      t.kind = Token::kStar;
      ++i;
      if (!out.empty() && out.back().kind == Token::kStar) continue;  // ** == * within a segment
    } else if (p[i] == '?') {
      t.kind = Token::kAnyChar;
      ++i;
    } else if (p[i] == '[') {
      const size_t after = ParseClass(p, i, &t);
      t.literal = '[';
      i = after != 0 ? after : i + 1;
    } else {
      if (p[i] == '\\' && i + 1 < p.size()) ++i;
      t.literal = static_cast<unsigned char>(p[i]);
      ++i;
    }
    out.push_back(t);
  }
  return out;
}

bool TokenMatches(const Token& t, unsigned char c) {
  switch (t.kind) {
    case Token::kLiteral:
      return t.literal == c;
    case Token::kAnyChar:
      return true;
    case Token::kClass:
      return t.members.test(c);
    case Token::kStar:
      break;
  }
  return false;
}

// One segment against one name. When a later token fails, only the most
// recent '*' needs to take one more character: earlier stars can never do
// better (the classic linear-backtrack glob), so this is O(|pat| * |name|).
bool SegmentMatch(const std::vector<Token>& pat, absl::string_view name) {
  size_t pi = 0, ni = 0;
  size_t star_pi = std::string::npos, star_ni = 0;
  while (ni < name.size()) {
    if (pi < pat.size() && pat[pi].kind == Token::kStar) {
      star_pi = pi++;
      star_ni = ni;
    } else if (pi < pat.size() && TokenMatches(pat[pi], static_cast<unsigned char>(name[ni]))) {
      ++pi;
      ++ni;
    } else if (star_pi != std::string::npos) {
      pi = star_pi + 1;
      ni = ++star_ni;
    } else {
      return false;
    }
  }
  while (pi < pat.size() && pat[pi].kind == Token::kStar) ++pi;
  return pi == pat.size();
}

std::vector<absl::string_view> Segments(absl::string_view s) {
  while (absl::ConsumePrefix(&s, "./") || absl::ConsumePrefix(&s, "/")) {
  }
  return absl::StrSplit(s, '/', absl::SkipEmpty());
}

struct SegmentPattern {
  bool globstar = false;  // the whole segment is "**"
  std::vector<Token> tokens;
};

}  // namespace

bool GlobMatch(absl::string_view pattern, absl::string_view path) {
  std::vector<SegmentPattern> pat;
  for (absl::string_view seg : Segments(pattern)) {
    SegmentPattern sp;
    sp.globstar = seg == "**";
    if (!sp.globstar) sp.tokens = Tokenize(seg);
    pat.push_back(std::move(sp));
  }
  if (pat.empty()) return false;
  if (pattern.back() == '/') pat.push_back(SegmentPattern{true, {}});
  const std::vector<absl::string_view> names = Segments(path);

  // A set of live pattern positions, advanced one path segment at a time
  // (an NFA simulation): "**" at position k keeps k live (it absorbs the
  // segment) and lets k + 1 start without consuming one (zero directories).
  const size_t m = pat.size();
  std::vector<char> live(m + 1, 0), next(m + 1, 0);
  const auto close = [&pat, m](std::vector<char>& set) {
    for (size_t k = 0; k < m; ++k) {
      if (set[k] && pat[k].globstar) set[k + 1] = 1;
    }
  };
  live[0] = 1;
  close(live);
  for (absl::string_view name : names) {
    std::fill(next.begin(), next.end(), 0);
    bool any = false;
    for (size_t k = 0; k < m; ++k) {
      if (!live[k]) continue;
      if (pat[k].globstar) {
        next[k] = 1;
        any = true;
      } else if (SegmentMatch(pat[k].tokens, name)) {
        next[k + 1] = 1;
        any = true;
      }
    }
    if (!any) return false;
    close(next);
    live.swap(next);
  }
  return live[m] != 0;
}

bool GlobMatchAny(const std::vector<std::string>& patterns, absl::string_view path) {
  for (const std::string& p : patterns) {
    if (GlobMatch(p, path)) return true;
  }
  return false;
}

}  // namespace orch::git

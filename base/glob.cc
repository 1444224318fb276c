#include "base/glob.h"

#include <algorithm>
#include <bitset>
#include <cctype>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace orch {

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

std::vector<SegmentPattern> ParsePattern(absl::string_view pattern) {
  std::vector<SegmentPattern> pat;
  for (absl::string_view seg : Segments(pattern)) {
    SegmentPattern sp;
    sp.globstar = seg == "**";
    if (!sp.globstar) sp.tokens = Tokenize(seg);
    pat.push_back(std::move(sp));
  }
  if (!pat.empty() && pattern.back() == '/') pat.push_back(SegmentPattern{true, {}});
  return pat;
}

// The bytes a path name may hold: anything but '/'.
std::bitset<256> NameBytes() {
  std::bitset<256> all;
  all.set();
  all.reset('/');
  return all;
}

// The bytes one token consumes (a star: any, as its self-loop).
std::bitset<256> TokenBytes(const Token& t) {
  switch (t.kind) {
    case Token::kLiteral: {
      std::bitset<256> one;
      one.set(t.literal);
      return one;
    }
    case Token::kClass:
      return t.members;
    case Token::kAnyChar:
    case Token::kStar:
      break;
  }
  std::bitset<256> all;
  all.set();
  return all;
}

// The search both intersections run: over states (i, j, c) — a position
// in each of two patterns of lengths `la` and `lb`, and whether anything
// was consumed yet — from (0, 0, 0), each state visited once. `step(i, j,
// c, visit)` calls visit(i', j', c') for every state reachable in one
// step. True when (la, lb, 1) is reached: both patterns end together
// after consuming something. O(la * lb) states.
template <typename Step>
bool ProductSearch(size_t la, size_t lb, const Step& step) {
  const size_t nb = lb + 1;
  std::vector<char> seen((la + 1) * nb * 2, 0);
  std::vector<size_t> todo;
  const auto visit = [&](size_t i, size_t j, size_t c) {
    const size_t k = (i * nb + j) * 2 + c;
    if (!seen[k]) {
      seen[k] = 1;
      todo.push_back(k);
    }
  };
  visit(0, 0, 0);
  while (!todo.empty()) {
    const size_t k = todo.back();
    todo.pop_back();
    const size_t c = k % 2, i = k / 2 / nb, j = k / 2 % nb;
    if (i == la && j == lb && c == 1) return true;
    step(i, j, c, visit);
  }
  return false;
}

// Is there a non-empty name (no '/') both segment patterns match? A search
// over the product of their positions (i, j, consumed-anything): each step
// consumes one byte from the intersection of what both sides may take next,
// so the answer is exact without enumerating names, in O(|a| * |b|) states.
bool SegmentsIntersect(const std::vector<Token>& a, const std::vector<Token>& b) {
  const std::bitset<256> name = NameBytes();
  return ProductSearch(a.size(), b.size(), [&](size_t i, size_t j, size_t c, const auto& visit) {
    // A star may also match nothing.
    if (i < a.size() && a[i].kind == Token::kStar) visit(i + 1, j, c);
    if (j < b.size() && b[j].kind == Token::kStar) visit(i, j + 1, c);
    if (i == a.size() || j == b.size()) return;  // one side cannot take a byte
    const size_t ni = a[i].kind == Token::kStar ? i : i + 1;
    const size_t nj = b[j].kind == Token::kStar ? j : j + 1;
    if ((TokenBytes(a[i]) & TokenBytes(b[j]) & name).any()) visit(ni, nj, 1);
  });
}

}  // namespace

bool GlobsIntersect(absl::string_view a, absl::string_view b) {
  const std::vector<SegmentPattern> pa = ParsePattern(a), pb = ParsePattern(b);
  if (pa.empty() || pb.empty()) return false;
  // Whether a segment pattern matches any name at all, and whether two
  // match a common one: computed once per segment (pair), since the path
  // level below visits each pair many times.
  const std::vector<Token> any_name{Token{Token::kStar, 0, {}}};
  std::vector<signed char> pair_memo(pa.size() * pb.size(), -1);
  std::vector<signed char> alone_a(pa.size(), -1), alone_b(pb.size(), -1);
  const auto pair = [&](size_t i, size_t j) {
    signed char& m = pair_memo[i * pb.size() + j];
    if (m < 0) m = SegmentsIntersect(pa[i].tokens, pb[j].tokens) ? 1 : 0;
    return m == 1;
  };
  const auto alone = [&any_name](const std::vector<SegmentPattern>& p, std::vector<signed char>& memo,
                                 size_t i) {
    if (memo[i] < 0) memo[i] = SegmentsIntersect(p[i].tokens, any_name) ? 1 : 0;
    return memo[i] == 1;
  };
  // The same product search one level up: states are (segment of a,
  // segment of b, consumed a name yet); a step consumes one path name.
  return ProductSearch(pa.size(), pb.size(), [&](size_t i, size_t j, size_t c, const auto& visit) {
    const bool star_a = i < pa.size() && pa[i].globstar;
    const bool star_b = j < pb.size() && pb[j].globstar;
    if (star_a) visit(i + 1, j, c);  // "**" as zero directories
    if (star_b) visit(i, j + 1, c);
    if (i == pa.size() || j == pb.size()) return;
    if (star_a && star_b) {
      visit(i, j, 1);
    } else if (star_a) {
      if (alone(pb, alone_b, j)) visit(i, j + 1, 1);
    } else if (star_b) {
      if (alone(pa, alone_a, i)) visit(i + 1, j, 1);
    } else if (pair(i, j)) {
      visit(i + 1, j + 1, 1);
    }
  });
}

bool GlobMatch(absl::string_view pattern, absl::string_view path) {
  const std::vector<SegmentPattern> pat = ParsePattern(pattern);
  if (pat.empty()) return false;
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

}  // namespace orch

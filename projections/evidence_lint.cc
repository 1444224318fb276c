#include "projections/evidence_lint.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "schema/event_schema.h"

namespace orch {

namespace {

// One word of a sentence, lower-cased, or a clause break ("," ";" ":" ...).
struct Word {
  std::string text;
  bool clause_break = false;
};

bool WordChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '\''; }

std::vector<Word> Words(absl::string_view sentence) {
  std::vector<Word> out;
  size_t i = 0;
  while (i < sentence.size()) {
    const char c = sentence[i];
    if (WordChar(c)) {
      size_t j = i;
      while (j < sentence.size() && WordChar(sentence[j])) ++j;
      std::string w = absl::AsciiStrToLower(sentence.substr(i, j - i));
      // Quotes around a word are not part of it; a dash at its ends neither.
      w = std::string(absl::StripSuffix(absl::StripPrefix(w, "'"), "'"));
      while (!w.empty() && w.back() == '-') w.pop_back();
      while (!w.empty() && w.front() == '-') w.erase(w.begin());
      if (!w.empty()) out.push_back(Word{w, false});
      i = j;
      continue;
    }
    if (c == ',' || c == ':' || c == '(' || c == ')' || c == '=' || c == '"') {
      out.push_back(Word{std::string(1, c), true});
    } else if (static_cast<unsigned char>(c) == 0xe2 && i + 2 < sentence.size()) {
      // An en or em dash (U+2013, U+2014) breaks a clause.
      const unsigned char c2 = static_cast<unsigned char>(sentence[i + 2]);
      if (static_cast<unsigned char>(sentence[i + 1]) == 0x80 && (c2 == 0x93 || c2 == 0x94)) {
        out.push_back(Word{"-", true});
        i += 3;
        continue;
      }
    }
    ++i;
  }
  return out;
}

const std::set<std::string>& WeakWords() {
  static const auto* s = new std::set<std::string>{
      "local",      "locally",   "localhost", "proxy",    "proxied", "mock",      "mocked",   "mocks",
      "stub",       "stubbed",   "stubs",     "fake",     "faked",   "fixture",   "fixtures", "simulated",
      "simulation", "simulator", "emulator",  "emulated", "sandbox", "sandboxed", "dry-run"};
  return *s;
}

const std::set<std::string>& StrongWords() {
  static const auto* s = new std::set<std::string>{"direct",  "pre-production", "preproduction", "pre-prod",
                                                   "preprod", "production",     "prod"};
  return *s;
}

bool IsNegator(const std::string& w) {
  static const auto* s = new std::set<std::string>{"not", "no",      "never", "without", "cannot", "nothing",
                                                   "nor", "neither", "none",  "lacks",   "lack",   "instead"};
  return s->count(w) != 0 || absl::EndsWith(w, "n't");
}

bool BreaksClause(const Word& w) {
  if (w.clause_break) return true;
  static const auto* s =
      new std::set<std::string>{"but", "however", "although", "though", "while", "whereas", "yet"};
  return s->count(w.text) != 0;
}

// Is the word at `k` negated: a negator before it in its clause?
bool Negated(const std::vector<Word>& words, size_t k) {
  for (size_t i = k; i-- > 0;) {
    if (BreaksClause(words[i])) return false;
    if (IsNegator(words[i].text)) return true;
  }
  return false;
}

// The first weak-proof word of the sentence ("unit test" and "dry run" as
// two words), or "".
std::string WeakProof(const std::vector<Word>& words) {
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i].text;
    if (WeakWords().count(w) != 0) return w;
    if (i + 1 < words.size()) {
      const std::string& n = words[i + 1].text;
      if (w == "unit" && (n == "test" || n == "tests")) return "unit test";
      if (w == "dry" && n == "run") return "dry run";
    }
  }
  return "";
}

// Does the line name a gate behind a label?
bool NamesGate(const std::vector<Word>& words) {
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i].text;
    if (w == "gate" || w == "gates" || w == "gated") return true;
    if (w == "backed" && i + 1 < words.size() && words[i + 1].text == "by") return true;
  }
  return false;
}

// Sentences of a line: split after '.', '!', '?' followed by a space (or
// the end), and at ';'. "v1.2" and "e.g.x" stay whole.
std::vector<absl::string_view> Sentences(absl::string_view line) {
  std::vector<absl::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    const bool end_mark = (c == '.' || c == '!' || c == '?') && (i + 1 == line.size() || line[i + 1] == ' ');
    if (end_mark || c == ';') {
      out.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  if (start < line.size()) out.push_back(line.substr(start));
  return out;
}

std::string Excerpt(absl::string_view s) {
  s = absl::StripAsciiWhitespace(s);
  if (s.size() > 120) return absl::StrCat(s.substr(0, 117), "...");
  return std::string(s);
}

void LintSentence(absl::string_view sentence, size_t line, std::vector<LintFinding>* out) {
  const std::vector<Word> words = Words(sentence);
  const std::string weak = WeakProof(words);
  if (!weak.empty()) {
    for (size_t k = 0; k < words.size(); ++k) {
      if (StrongWords().count(words[k].text) == 0 || Negated(words, k)) continue;
      out->push_back(LintFinding{
          line, "weak-called-strong",
          absl::StrCat("'", weak, "' proof called '", words[k].text, "': \"", Excerpt(sentence), "\"")});
      break;
    }
  }
}

// "evidence: direct", "evidence label = prod", "label: proxy".
void LintLabels(absl::string_view line, size_t number, std::vector<LintFinding>* out) {
  const std::vector<Word> words = Words(line);
  if (NamesGate(words)) return;
  for (size_t i = 0; i + 2 < words.size(); ++i) {
    if (words[i].text != "evidence" && words[i].text != "label") continue;
    size_t j = i + 1;
    if (words[i].text == "evidence" && words[j].text == "label") ++j;
    if (j + 1 >= words.size() || (words[j].text != ":" && words[j].text != "=")) continue;
    const std::string& label = words[j + 1].text;
    if (EvidenceRank(label) <= 1 || Negated(words, i)) continue;  // "blocked" claims nothing
    out->push_back(
        LintFinding{number, "label-without-gate",
                    absl::StrCat("label '", label, "' with no gate behind it: \"", Excerpt(line), "\"")});
    return;
  }
}

}  // namespace

std::vector<LintFinding> LintEvidence(absl::string_view document) {
  std::vector<LintFinding> out;
  size_t number = 0;
  bool in_code = false;
  for (absl::string_view line : absl::StrSplit(document, '\n')) {
    ++number;
    absl::ConsumeSuffix(&line, "\r");
    const absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(line);
    if (absl::StartsWith(trimmed, "```") || absl::StartsWith(trimmed, "~~~")) {
      in_code = !in_code;
      continue;
    }
    if (in_code) continue;
    const size_t before = out.size();
    for (absl::string_view sentence : Sentences(line)) LintSentence(sentence, number, &out);
    if (out.size() == before) LintLabels(line, number, &out);
  }
  return out;
}

}  // namespace orch

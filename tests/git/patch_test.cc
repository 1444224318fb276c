// GitRepo::WhitespaceErrors and GitRepo::Patch against what the git CLI
// prints for the same commits (`git diff --check`, `git diff`).
#include <algorithm>

#include "absl/strings/str_split.h"
#include "git/quoted_path.h"
#include "git/repository.h"
#include "gtest/gtest.h"
#include "tests/git/git_world.h"

namespace orch::git {
namespace {

using ::orch::testing::GitWorld;
using ::orch::testing::Run;

// The "path:line: what." lines of `git diff --check from to` (the lines
// quoting the offending text start with '+').
std::vector<std::string> GitCheck(const std::string& repo, const std::string& from, const std::string& to) {
  const auto r = Run({"git", "-C", repo, "diff", "--check", from, to});
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(r.out, '\n')) {
    if (!line.empty() && line[0] != '+') out.emplace_back(line);
  }
  return out;
}

TEST(PatchTest, WhitespaceErrorsAreWhatGitDiffCheckReports) {
  GitWorld w(/*with_store=*/false);
  const std::string head = w.Commit(w.repo, {
                                                {"src/trailing.cc", "ok\nbad  \nalso bad\t\n"},
                                                {"src/indent.cc", "\tfine\n \tspace before tab\n  \n"},
                                                {"src/eof.txt", "text\n\n\n"},
                                                {"src/clean.cc", "int x;\n"},
                                                {"README.md", "hello\nmore \n"},
                                            });
  auto repo = GitRepo::Open(w.repo);
  ASSERT_TRUE(repo.ok()) << repo.status();
  auto errors = (*repo)->WhitespaceErrors(w.base, head);
  ASSERT_TRUE(errors.ok()) << errors.status();
  std::vector<std::string> ours = *errors, theirs = GitCheck(w.repo, w.base, head);
  std::sort(ours.begin(), ours.end());
  std::sort(theirs.begin(), theirs.end());
  EXPECT_EQ(ours, theirs);
  // And git found what was planted (so the comparison is not of two empties).
  EXPECT_GE(theirs.size(), 6u);
  EXPECT_NE(std::find(ours.begin(), ours.end(), "src/indent.cc:2: space before tab in indent."), ours.end());
}

TEST(PatchTest, ACleanDiffHasNoWhitespaceErrors) {
  GitWorld w(/*with_store=*/false);
  const std::string head = w.Commit(w.repo, {{"src/a.cc", "int a;\n"}, {"README.md", "hello\nworld\n"}});
  auto repo = GitRepo::Open(w.repo);
  ASSERT_TRUE(repo.ok());
  auto errors = (*repo)->WhitespaceErrors(w.base, head);
  ASSERT_TRUE(errors.ok());
  EXPECT_TRUE(errors->empty());
  EXPECT_TRUE(GitCheck(w.repo, w.base, head).empty());
}

TEST(PatchTest, PatchIsWhatGitDiffPrints) {
  GitWorld w(/*with_store=*/false);
  w.Commit(w.repo, {{"src/a.cc", "int a;\n"}}, "one");
  const std::string head = w.Commit(w.repo, {{"src/app.cc", "int main() { return 1; }\n"}}, "two");
  auto repo = GitRepo::Open(w.repo);
  ASSERT_TRUE(repo.ok());
  auto text = (*repo)->Patch(w.base, head);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->patch, ::orch::testing::Git(w.repo, {"diff", w.base, head}));
  EXPECT_NE(text->stat.find("2 files changed"), std::string::npos) << text->stat;
  EXPECT_FALSE((*repo)->Patch(w.base, std::string(40, 'f')).ok());
}

// File names a branch may hold: ESC and BEL (retitle the terminal, clear
// the screen) and a newline (forges a line of its own).
const char kEscName[] = "esc\x1b]0;PWNED\a\x1b[2J.txt";
const char kNewlineName[] = "new\n#99 forged line.txt";

TEST(PatchTest, TheStatQuotesFileNamesAsThePatchAndGitDo) {
  GitWorld w(/*with_store=*/false);
  const std::string head =
      w.Commit(w.repo, {{kEscName, "x\n"}, {kNewlineName, "y\n"}, {"plain.txt", "z\nzz\n"}}, "hostile");
  auto repo = GitRepo::Open(w.repo);
  ASSERT_TRUE(repo.ok());
  auto text = (*repo)->Patch(w.base, head);
  ASSERT_TRUE(text.ok()) << text.status();
  for (char c : text->stat) EXPECT_TRUE(c == '\n' || static_cast<unsigned char>(c) >= 0x20) << text->stat;
  for (const std::string name : {kEscName, kNewlineName}) {
    // One quoting: the stat's name is the patch's, less the b/ prefix.
    EXPECT_NE(text->stat.find(" " + QuoteGitPath(name) + " "), std::string::npos) << text->stat;
    EXPECT_NE(text->patch.find("+++ " + QuoteGitPath("b/" + name) + "\n"), std::string::npos) << text->patch;
  }
  EXPECT_EQ(QuoteGitPath(kEscName), "\"esc\\033]0;PWNED\\a\\033[2J.txt\"");
  EXPECT_EQ(QuoteGitPath("plain.txt"), "plain.txt");
  // And the stat is the one git prints.
  EXPECT_EQ(text->stat, ::orch::testing::Git(w.repo, {"diff", "--stat", w.base, head}));
}

}  // namespace
}  // namespace orch::git

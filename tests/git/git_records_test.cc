// What orch records from the repository must be true of it: a `pushed` read
// from git names a push that happened, a dispatch records the base it starts
// from, the store does not dirty the checkout, and a worktree of another
// repository is reported rather than crashing inspect.
#include <filesystem>

#include "gtest/gtest.h"
#include "tests/git/git_world.h"

namespace orch::testing {
namespace {

class GitRecordsTest : public ::testing::Test {
 protected:
  // T1 accepted and merged into main locally, not pushed.
  void MergeT1() {
    wt_ = w_.AddWorktree("wt1", "task/t1");
    w_.Dispatch("T1", "task/t1", wt_);
    w_.Commit(wt_, {{"src/a.cc", "a\n"}});
    ASSERT_EQ(w_.Orch({"emit", "completed", "--task", "T1"}).exit_code, 0);
    ASSERT_EQ(w_.Orch({"inspect", "T1"}).exit_code, 0);
    ASSERT_EQ(w_.Orch({"emit", "reviewed", "--task", "T1", "--verdict", "accepted"}).exit_code, 0);
    Git(w_.repo, {"merge", "-q", "--no-ff", "-m", "merge T1", "task/t1"});
    merge_ = w_.Head(w_.repo);
    RunResult r = w_.Orch({"emit", "merged", "--task", "T1", "--from-git"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  GitWorld w_;
  std::string wt_, merge_;
};

TEST_F(GitRecordsTest, PushedFromGitBeforeThePushIsRefused) {
  MergeT1();
  const size_t before = w_.Events().size();
  RunResult r = w_.Orch({"emit", "pushed", "--task", "T1", "--from-git"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("origin/main"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("does not contain the merge of T1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("push first"), std::string::npos) << r.err;
  EXPECT_EQ(w_.Events().size(), before) << "nothing recorded";

  // After the real push the same command records the merge commit.
  Git(w_.repo, {"push", "-q", "origin", "main"});
  r = w_.Orch({"emit", "pushed", "--task", "T1", "--from-git"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(w_.Events().back().payload["commit"], merge_);
  EXPECT_EQ(w_.StateOf("T1"), TaskState::kPushed);
}

TEST_F(GitRecordsTest, ProjectLevelPushedFromGitChecksEveryMergedTask) {
  MergeT1();
  RunResult r = w_.Orch({"emit", "pushed", "--from-git"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("T1 (merge "), std::string::npos) << r.err;
  Git(w_.repo, {"push", "-q", "origin", "main"});
  r = w_.Orch({"emit", "pushed", "--from-git"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(w_.Events().back().payload["commit"], merge_);
}

TEST_F(GitRecordsTest, PushedFromGitWithoutARecordedMergeIsRefused) {
  wt_ = w_.AddWorktree("wt1", "task/t1");
  w_.Dispatch("T1", "task/t1", wt_);
  RunResult r = w_.Orch({"emit", "pushed", "--task", "T1", "--from-git", "--observed"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("no merge recorded"), std::string::npos) << r.err;
}

TEST_F(GitRecordsTest, DispatchedRecordsTheIntegrationHeadAsBase) {
  const std::string head = w_.Commit(w_.repo, {{"docs/x.md", "x\n"}});
  ASSERT_EQ(w_.Orch({"lane", "open", "docs"}).exit_code, 0);
  RunResult r = w_.Orch(
      {"emit", "dispatched", "--task", "T9", "--title", "t", "--branch", "task/t9", "--package-id", "docs"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(w_.Events().back().payload["base_commit"], head);

  // And inspect can judge the task (it failed with "no base commit" before).
  const std::string wt = w_.Path("wt9");
  Git(w_.repo, {"worktree", "add", "-q", "-b", "task/t9", wt, head});
  ASSERT_EQ(w_.Orch({"emit", "worktree-ready", "--task", "T9", "--worktree", wt}).exit_code, 0);
  w_.Commit(wt, {{"src/t9.cc", "9\n"}});
  r = w_.Orch({"inspect", "T9"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("no base commit"), std::string::npos) << r.out;
}

TEST_F(GitRecordsTest, AGivenBaseCommitIsKept) {
  w_.Commit(w_.repo, {{"docs/x.md", "x\n"}});
  ASSERT_EQ(w_.Orch({"lane", "open", "docs"}).exit_code, 0);
  RunResult r = w_.Orch({"emit", "dispatched", "--task", "T9", "--title", "t", "--branch", "task/t9",
                         "--base-commit", w_.base, "--package-id", "docs"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(w_.Events().back().payload["base_commit"], w_.base);
}

TEST(GitRecordsNoRepoTest, DispatchOutsideARepositoryWarnsAndRecordsNoBase) {
  TempDir dir;
  const std::string store = dir.Sub("store");
  ASSERT_EQ(Orch(store, {"init"}, "", dir.path()).exit_code, 0);
  ASSERT_EQ(Orch(store, {"lane", "open", "work"}, "", dir.path()).exit_code, 0);
  RunResult r = Orch(store, {"emit", "dispatched", "--task", "T1", "--title", "t", "--package-id", "work"},
                     "", dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: no base commit recorded for task T1"), std::string::npos) << r.err;
}

TEST(GitRecordsInitTest, InitKeepsTheStoreOutOfGitStatus) {
  TempDir dir;
  const std::string repo = dir.Sub("repo");
  InitRepo(repo);
  WriteFile(repo + "/a.txt", "a\n");
  Git(repo, {"add", "a.txt"});
  Git(repo, {"commit", "-q", "-m", "a"});
  RunResult r = testing::Run({OrchBin(), "init"}, repo);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(repo + "/.orch"));
  EXPECT_EQ(Git(repo, {"status", "--porcelain"}), "") << "the store shows up as untracked";
  const std::string exclude = ReadFile(repo + "/.git/info/exclude");
  EXPECT_NE(exclude.find("\n/.orch/\n"), std::string::npos) << exclude;
  // From a linked worktree the same store (the main worktree's) is used and
  // nothing is added twice.
  Git(repo, {"worktree", "add", "-q", "-b", "side", dir.Sub("side")});
  ASSERT_EQ(testing::Run({OrchBin(), "init"}, dir.Sub("side")).exit_code, 0);
  EXPECT_EQ(ReadFile(repo + "/.git/info/exclude"), exclude);
  EXPECT_EQ(Git(dir.Sub("side"), {"status", "--porcelain"}), "");
}

TEST_F(GitRecordsTest, InspectReportsAWorktreeOfAnotherRepository) {
  const std::string other = w_.Path("other");
  InitRepo(other);
  w_.Commit(other, {{"x.txt", "x\n"}});
  Git(other, {"checkout", "-q", "-b", "task/t1"});
  w_.Dispatch("T1", "task/t1", other);
  RunResult r = w_.Orch({"inspect", "T1"});
  EXPECT_EQ(r.exit_code, 5) << r.out << r.err;
  EXPECT_NE(r.out.find("belongs to another repository"), std::string::npos) << r.out;
  EXPECT_EQ(w_.Events().back().type, "inspected");
}

}  // namespace
}  // namespace orch::testing

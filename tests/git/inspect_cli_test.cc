// `orch inspect` and `orch emit ... --from-git` through the real binary.
#include <filesystem>

#include "gtest/gtest.h"
#include "tests/git/git_world.h"

namespace orch::testing {
namespace {

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

class InspectCliTest : public ::testing::Test {
 protected:
  InspectCliTest() {
    wt_ = w_.AddWorktree("wt1", "task/t1");
    w_.Dispatch("T1", "task/t1", wt_,
                {"--allowed", "src/**", "--allowed", "reviews/**", "--forbidden", "src/**/secret/*.key",
                 "--self-review-path", "reviews/T1.md"});
  }
  GitWorld w_;
  std::string wt_;
};

TEST_F(InspectCliTest, ReviewableUnitExitsZeroAndIsRecorded) {
  const std::string head = w_.Commit(wt_, {{"src/a.cc", "a\n"}, {"reviews/T1.md", "r\n"}});
  RunResult r = w_.Orch({"inspect", "T1"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("[x] worktree exists"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("reviewable: yes"), std::string::npos) << r.out;
  auto events = w_.Events();
  const StoredEvent& e = events.back();
  EXPECT_EQ(e.type, "inspected");
  EXPECT_TRUE(e.observed);
  EXPECT_EQ(e.actor, "orch inspect");
  EXPECT_EQ(e.payload["head"], head);
  EXPECT_EQ(e.payload["reviewable"], true);
  EXPECT_EQ(w_.StateOf("T1"), TaskState::kCompletedUnreviewed);
}

TEST_F(InspectCliTest, ForbiddenTouchIsNotReviewable) {
  w_.Commit(wt_, {{"src/pay/v2/secret/api.key", "k\n"}, {"reviews/T1.md", "r\n"}});
  RunResult r = w_.Orch({"inspect", "T1", "--json"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["inspected"]["forbidden_touched"], nlohmann::json::array({"src/pay/v2/secret/api.key"}));
  EXPECT_EQ(j["inspected"]["reviewable"], false);
  EXPECT_EQ(r.err, "orch: T1 is not reviewable: forbidden paths touched: src/pay/v2/secret/api.key\n");
  EXPECT_EQ(w_.Events().back().payload["forbidden_touched"][0], "src/pay/v2/secret/api.key");
}

TEST_F(InspectCliTest, DetachedHeadIsReportedNotACrash) {
  w_.Commit(wt_, {{"src/a.cc", "a\n"}, {"reviews/T1.md", "r\n"}});
  Git(wt_, {"checkout", "-q", "--detach"});
  RunResult r = w_.Orch({"inspect", "T1"});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("detached HEAD at"), std::string::npos) << r.err;
  // The recorded event says so in fields, not only in its problems.
  EXPECT_EQ(w_.Events().back().payload.value("detached", false), true);
  EXPECT_EQ(w_.Events().back().payload.value("worktree", ""), wt_);
}

TEST_F(InspectCliTest, MissingWorktreeIsReportedNotACrash) {
  std::filesystem::remove_all(wt_);
  RunResult r = w_.Orch({"inspect", "T1"});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("worktree " + wt_ + " is missing"), std::string::npos) << r.err;
  // FlatBuffers leaves false out of the payload: absent means false.
  EXPECT_EQ(w_.Events().back().payload.value("worktree_exists", false), false);
  EXPECT_FALSE(w_.Events().back().payload.value("reviewable", false));
}

TEST_F(InspectCliTest, BadInputsAreOneLineErrors) {
  RunResult r = w_.Orch({"inspect", "T9"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "orch: unknown task 'T9': no dispatched event for it\n");

  const std::string plain = w_.Path("plain");
  std::filesystem::create_directories(plain);
  r = w_.Orch({"inspect", "T1", "--repo", plain});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "orch: " + plain + " is not a git repository\n");

  const std::string empty = w_.Path("empty");
  InitRepo(empty);
  r = w_.Orch({"inspect", "T1", "--repo", empty});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "orch: " + empty + ": the repository has no commits yet\n");
}

TEST_F(InspectCliTest, EmitCommittedFromGit) {
  Git(wt_, {"mv", "src/lib/util.cc", "src/lib/helpers.cc"});
  const std::string head = w_.Commit(wt_, {{"src/a.cc", "a\n"}}, "Add a, rename util");
  RunResult r = w_.Orch({"emit", "committed", "--task", "T1", "--from-git"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const StoredEvent e = w_.Events().back();
  EXPECT_EQ(e.type, "committed");
  EXPECT_EQ(e.payload["commit"], head);
  EXPECT_EQ(e.payload["message"], "Add a, rename util");
  EXPECT_EQ(e.payload["files"], nlohmann::json::array({"src/a.cc", "src/lib/util.cc", "src/lib/helpers.cc"}));

  // A commit given on the command line is checked against the repository.
  r = w_.Orch({"emit", "committed", "--task", "T1", "--from-git", "--commit",
               "0000000000000000000000000000000000000001"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
}

TEST_F(InspectCliTest, EmitMergedAndPushedFromGit) {
  w_.Commit(wt_, {{"src/a.cc", "a\n"}, {"reviews/T1.md", "r\n"}});
  RunResult r = w_.Orch({"emit", "merged", "--task", "T1", "--from-git", "--observed"});
  EXPECT_EQ(r.exit_code, 2) << "not merged yet";
  EXPECT_NE(r.err.find("is not merged into main"), std::string::npos) << r.err;

  ASSERT_EQ(w_.Orch({"emit", "completed", "--task", "T1"}).exit_code, 0);
  ASSERT_EQ(w_.Orch({"inspect", "T1"}).exit_code, 0);
  ASSERT_EQ(w_.Orch({"emit", "reviewed", "--task", "T1", "--verdict", "accepted"}).exit_code, 0);
  Git(w_.repo, {"merge", "-q", "--no-ff", "-m", "merge", "task/t1"});
  const std::string merge = w_.Head(w_.repo);
  r = w_.Orch({"emit", "merged", "--task", "T1", "--from-git"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  StoredEvent e = w_.Events().back();
  EXPECT_EQ(e.payload["merge_commit"], merge);
  EXPECT_EQ(e.payload["target_branch"], "main");
  EXPECT_EQ(e.payload["files"], nlohmann::json::array({"reviews/T1.md", "src/a.cc"}));

  Git(w_.repo, {"push", "-q", "origin", "main"});
  r = w_.Orch({"emit", "pushed", "--task", "T1", "--from-git"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  e = w_.Events().back();
  EXPECT_EQ(e.payload["remote"], "origin");
  EXPECT_EQ(e.payload["branch"], "main");
  EXPECT_EQ(e.payload["commit"], merge);
  EXPECT_EQ(w_.StateOf("T1"), TaskState::kPushed);
}

// Cleaning up needs proof that nothing is lost: the latest inspection must
// show no uncommitted paths and, once merged, no commit the integration
// branch lacks.
TEST_F(InspectCliTest, CleanedIsRefusedWhileTheWorktreeHoldsWorkToLose) {
  w_.Commit(wt_, {{"src/a.cc", "a\n"}, {"reviews/T1.md", "r\n"}});
  ASSERT_EQ(w_.Orch({"inspect", "T1"}).exit_code, 0);
  ASSERT_EQ(w_.Orch({"emit", "reviewed", "--task", "T1", "--verdict", "accepted"}).exit_code, 0);
  Git(w_.repo, {"merge", "-q", "--no-ff", "-m", "merge", "task/t1"});
  ASSERT_EQ(w_.Orch({"emit", "merged", "--task", "T1", "--from-git"}).exit_code, 0);

  // Work left in the worktree after the merge, and orch inspect saw it.
  WriteFile(wt_ + "/src/a.cc", "a, edited after the merge\n");
  WriteFile(wt_ + "/notes.txt", "not committed\n");
  ASSERT_EQ(w_.Orch({"inspect", "T1"}).exit_code, 5);
  const size_t events = w_.Events().size();
  RunResult r = w_.Orch({"emit", "cleaned", "--task", "T1", "--worktree-removed", "--branch-deleted"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("uncommitted paths cleaning would lose: src/a.cc, notes.txt"), std::string::npos)
      << r.err;
  EXPECT_EQ(w_.Events().size(), events);

  // Committed on the branch, but not merged.
  std::filesystem::remove(wt_ + "/notes.txt");
  w_.Commit(wt_, {});
  ASSERT_EQ(w_.Orch({"inspect", "T1"}).exit_code, 0);
  r = w_.Orch({"emit", "cleaned", "--task", "T1", "--worktree-removed", "--branch-deleted"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("1 commit(s) not in the integration branch (unmerged)"), std::string::npos) << r.err;

  // Recording it anyway takes --observed, and it is an anomaly.
  r = w_.Orch({"emit", "cleaned", "--task", "T1", "--worktree-removed", "--observed"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(w_.Events().back().anomaly.find("not in the integration branch"), std::string::npos);
  EXPECT_EQ(w_.StateOf("T1"), TaskState::kCleaned);
}

TEST_F(InspectCliTest, CleanedIsAcceptedOnceEverythingIsMerged) {
  w_.Commit(wt_, {{"src/a.cc", "a\n"}, {"reviews/T1.md", "r\n"}});
  ASSERT_EQ(w_.Orch({"inspect", "T1"}).exit_code, 0);
  ASSERT_EQ(w_.Orch({"emit", "reviewed", "--task", "T1", "--verdict", "accepted"}).exit_code, 0);
  Git(w_.repo, {"merge", "-q", "--no-ff", "-m", "merge", "task/t1"});
  ASSERT_EQ(w_.Orch({"emit", "merged", "--task", "T1", "--from-git"}).exit_code, 0);
  ASSERT_EQ(w_.Orch({"inspect", "T1"}).exit_code, 0);
  // git shows the worktree still there: not cleaned yet.
  RunResult r = w_.Orch({"emit", "cleaned", "--task", "T1", "--worktree-removed", "--branch-deleted"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("[cleanup-unproven]"), std::string::npos) << r.err;
  // The worktree removed; the branch is kept but contained in main.
  Git(w_.repo, {"worktree", "remove", "--force", wt_});
  r = w_.Orch({"emit", "cleaned", "--task", "T1", "--worktree-removed"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(w_.Events().back().anomaly, "");
}

// Git allows file names that are not UTF-8; the JSON an event is built
// through does not. That used to abort orch (exit 134); now the value is
// named and nothing is appended.
TEST_F(InspectCliTest, FileNameThatIsNotUtf8IsRefusedNotACrash) {
  w_.Commit(wt_, {{"src/bad\xffname.cc", "a\n"}});
  const size_t before = w_.Events().size();
  RunResult r = w_.Orch({"emit", "committed", "--task", "T1", "--from-git"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err, "orch: invalid UTF-8 in files value 1 at byte 7\n");
  EXPECT_EQ(w_.Events().size(), before);
}

}  // namespace
}  // namespace orch::testing

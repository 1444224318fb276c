// InspectTask and GitRepo on real repositories built with the git CLI: each
// checklist fact true and false, renames, nested ** globs, and the awkward
// repositories (no commits, detached HEAD, missing worktree, not a repo).
#include "git/checklist.h"

#include <algorithm>
#include <filesystem>

#include "gtest/gtest.h"
#include "tests/git/git_world.h"

namespace orch::git {
namespace {

using ::orch::testing::Git;
using ::orch::testing::GitWorld;
using ::orch::testing::TempDir;
using ::orch::testing::WriteFile;

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool AnyContains(const std::vector<std::string>& v, const std::string& s) {
  return std::any_of(v.begin(), v.end(),
                     [&](const std::string& x) { return x.find(s) != std::string::npos; });
}

class ChecklistTest : public ::testing::Test {
 protected:
  ChecklistTest() : world_(/*with_store=*/false) {
    wt_ = world_.AddWorktree("wt1", "task/t1");
    spec_.task = "T1";
    spec_.branch = "task/t1";
    spec_.base_commit = world_.base;
    spec_.worktree = wt_;
    spec_.allowed = {"src/**", "reviews/T1.md"};
    spec_.forbidden = {"src/**/secret/*.key", "secrets/**"};
    spec_.self_review_path = "reviews/T1.md";
  }

  Checklist Inspect() {
    auto repo = GitRepo::Open(world_.repo);
    EXPECT_TRUE(repo.ok()) << repo.status();
    auto wts = (*repo)->Worktrees();
    EXPECT_TRUE(wts.ok());
    auto c = InspectTask(**repo, spec_, "main", &*wts);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *c : Checklist();
  }

  void CommitGoodWork() {
    world_.Commit(wt_, {{"src/app.cc", "int main() { return 0; }\n"}, {"reviews/T1.md", "self review\n"}});
  }

  GitWorld world_;
  std::string wt_;
  TaskGitSpec spec_;
};

TEST_F(ChecklistTest, GoodWorkIsReviewable) {
  CommitGoodWork();
  Checklist c = Inspect();
  EXPECT_TRUE(c.worktree_exists);
  EXPECT_EQ(c.branch, "task/t1");
  EXPECT_TRUE(c.branch_matches);
  EXPECT_FALSE(c.detached);
  EXPECT_EQ(c.head, world_.Head(wt_));
  EXPECT_EQ(c.base_commit, world_.base);
  EXPECT_TRUE(c.base_is_ancestor);
  EXPECT_EQ(c.ahead_of_base, 1);
  EXPECT_EQ(c.ahead_of_integration, 1);
  EXPECT_EQ(c.behind_integration, 0);
  EXPECT_EQ(c.changed, (std::vector<std::string>{"reviews/T1.md", "src/app.cc"}));
  EXPECT_TRUE(c.outside_allowed.empty());
  EXPECT_TRUE(c.forbidden_touched.empty());
  EXPECT_TRUE(c.status_known);
  EXPECT_TRUE(c.status.clean());
  EXPECT_TRUE(c.self_review_present);
  EXPECT_TRUE(c.reviewable()) << c.problems[0];
  nlohmann::json p = InspectedPayload(c);
  EXPECT_EQ(p["reviewable"], true);
  EXPECT_EQ(p["head"], c.head);
}

TEST_F(ChecklistTest, NothingCommittedYet) {
  Checklist c = Inspect();
  EXPECT_EQ(c.ahead_of_base, 0);
  EXPECT_TRUE(c.base_is_ancestor);  // base == head
  EXPECT_TRUE(c.changed.empty());
  EXPECT_FALSE(c.self_review_present);
  EXPECT_TRUE(AnyContains(c.problems, "no commits beyond the base"));
  EXPECT_TRUE(AnyContains(c.problems, "self-review file reviews/T1.md is not in the diff"));
  EXPECT_FALSE(c.reviewable());
}

TEST_F(ChecklistTest, OtherBranchCheckedOut) {
  CommitGoodWork();
  Git(wt_, {"checkout", "-q", "-b", "task/other"});
  Checklist c = Inspect();
  EXPECT_EQ(c.branch, "task/other");
  EXPECT_FALSE(c.branch_matches);
  EXPECT_TRUE(AnyContains(c.problems, "has branch task/other checked out"));
}

TEST_F(ChecklistTest, DetachedHeadIsAProblemNotACrash) {
  CommitGoodWork();
  Git(wt_, {"checkout", "-q", "--detach"});
  Checklist c = Inspect();
  EXPECT_TRUE(c.detached);
  EXPECT_FALSE(c.branch_matches);
  EXPECT_EQ(c.head, world_.Head(wt_));  // still judged by the task branch
  EXPECT_TRUE(AnyContains(c.problems, "detached HEAD"));
}

TEST_F(ChecklistTest, StagedUnstagedAndUntrackedAreListed) {
  CommitGoodWork();
  WriteFile(wt_ + "/src/staged.cc", "s\n");
  Git(wt_, {"add", "src/staged.cc"});
  WriteFile(wt_ + "/src/app.cc", "changed again\n");
  WriteFile(wt_ + "/notes.txt", "n\n");
  Checklist c = Inspect();
  EXPECT_TRUE(c.status_known);
  EXPECT_EQ(c.status.staged, std::vector<std::string>{"src/staged.cc"});
  EXPECT_EQ(c.status.unstaged, std::vector<std::string>{"src/app.cc"});
  EXPECT_EQ(c.status.untracked, std::vector<std::string>{"notes.txt"});
  EXPECT_TRUE(AnyContains(c.problems, "1 staged, 1 unstaged, 1 untracked"));
  nlohmann::json p = InspectedPayload(c);
  EXPECT_EQ(p["untracked"][0], "notes.txt");
}

TEST_F(ChecklistTest, ForbiddenTouchThroughNestedDoubleStar) {
  world_.Commit(wt_, {{"src/payments/v2/secret/api.key", "k\n"},
                      {"src/secret_notes/readme.key", "not secret\n"},
                      {"reviews/T1.md", "r\n"}});
  Checklist c = Inspect();
  EXPECT_EQ(c.forbidden_touched, std::vector<std::string>{"src/payments/v2/secret/api.key"});
  EXPECT_TRUE(c.outside_allowed.empty());
  EXPECT_TRUE(AnyContains(c.problems, "forbidden paths touched: src/payments/v2/secret/api.key"));
  EXPECT_FALSE(c.reviewable());
}

TEST_F(ChecklistTest, RenameOutOfAForbiddenPlaceTouchesBothSides) {
  Git(wt_, {"mv", "secrets/prod.key", "src/prod.key"});
  world_.Commit(wt_, {{"reviews/T1.md", "r\n"}});
  Checklist c = Inspect();
  auto rename =
      std::find_if(c.changes.begin(), c.changes.end(), [](const ChangedPath& p) { return p.status == 'R'; });
  ASSERT_NE(rename, c.changes.end());
  EXPECT_EQ(rename->old_path, "secrets/prod.key");
  EXPECT_EQ(rename->path, "src/prod.key");
  EXPECT_TRUE(Has(c.changed, "secrets/prod.key"));
  EXPECT_TRUE(Has(c.changed, "src/prod.key"));
  EXPECT_EQ(c.forbidden_touched, std::vector<std::string>{"secrets/prod.key"});
  EXPECT_EQ(c.outside_allowed, std::vector<std::string>{"secrets/prod.key"});
}

TEST_F(ChecklistTest, RenameInsideAllowedPathsIsFine) {
  Git(wt_, {"mv", "src/lib/util.cc", "src/lib/helpers.cc"});
  world_.Commit(wt_, {{"reviews/T1.md", "r\n"}});
  Checklist c = Inspect();
  ASSERT_EQ(c.changes.size(), 2u);
  EXPECT_EQ(c.changes[1].status, 'R');
  EXPECT_EQ(c.changes[1].old_path, "src/lib/util.cc");
  EXPECT_TRUE(c.outside_allowed.empty());
  EXPECT_TRUE(c.forbidden_touched.empty());
  EXPECT_TRUE(c.reviewable());
}

TEST_F(ChecklistTest, ChangeOutsideTheAllowedPaths) {
  world_.Commit(wt_, {{"docs/guide.md", "g\n"}, {"reviews/T1.md", "r\n"}});
  Checklist c = Inspect();
  EXPECT_EQ(c.outside_allowed, std::vector<std::string>{"docs/guide.md"});
  EXPECT_TRUE(AnyContains(c.problems, "outside the allowed globs: docs/guide.md"));
}

TEST_F(ChecklistTest, NoAllowedListAllowsEverythingNotForbidden) {
  spec_.allowed.clear();
  world_.Commit(wt_, {{"docs/guide.md", "g\n"}, {"reviews/T1.md", "r\n"}});
  EXPECT_TRUE(Inspect().outside_allowed.empty());
}

TEST_F(ChecklistTest, BaseThatIsNotAnAncestor) {
  CommitGoodWork();
  spec_.base_commit = world_.Commit(world_.repo, {{"README.md", "moved on\n"}});
  Checklist c = Inspect();
  EXPECT_FALSE(c.base_is_ancestor);
  EXPECT_TRUE(AnyContains(c.problems, "is not an ancestor of head"));
}

TEST_F(ChecklistTest, UnknownBaseCommit) {
  spec_.base_commit = "0123456789012345678901234567890123456789";
  CommitGoodWork();
  Checklist c = Inspect();
  EXPECT_EQ(c.base_commit, "");
  EXPECT_TRUE(AnyContains(c.problems, "is not in the repository"));
}

TEST_F(ChecklistTest, AheadAndBehindTheIntegrationBranch) {
  CommitGoodWork();
  world_.Commit(world_.repo, {{"README.md", "one\n"}});
  world_.Commit(world_.repo, {{"README.md", "two\n"}});
  Checklist c = Inspect();
  EXPECT_EQ(c.ahead_of_integration, 1);
  EXPECT_EQ(c.behind_integration, 2);
  EXPECT_TRUE(c.reviewable());  // being behind is not a defect of the unit
}

TEST_F(ChecklistTest, MissingWorktreeDirectory) {
  CommitGoodWork();
  std::filesystem::remove_all(wt_);
  Checklist c = Inspect();
  EXPECT_FALSE(c.worktree_exists);
  EXPECT_FALSE(c.status_known);
  EXPECT_EQ(c.ahead_of_base, 1);  // the branch is still there to judge
  EXPECT_TRUE(AnyContains(c.problems, "worktree " + wt_ + " is missing"));
}

TEST_F(ChecklistTest, WorktreeFoundByBranchWhenTheLogNamesNone) {
  CommitGoodWork();
  spec_.worktree.clear();
  Checklist c = Inspect();
  EXPECT_EQ(c.worktree, wt_);
  EXPECT_TRUE(c.worktree_exists);
}

TEST_F(ChecklistTest, MissingBranch) {
  spec_.branch = "task/nope";
  Checklist c = Inspect();
  EXPECT_TRUE(AnyContains(c.problems, "branch task/nope does not exist"));
  EXPECT_FALSE(c.branch_matches);
}

TEST_F(ChecklistTest, WorktreeListReadsHeadsWithoutOpeningThem) {
  const std::string head = world_.Head(wt_);
  std::filesystem::remove_all(wt_);
  auto repo = GitRepo::Open(world_.repo);
  ASSERT_TRUE(repo.ok());
  auto wts = (*repo)->Worktrees();
  ASSERT_TRUE(wts.ok()) << wts.status();
  ASSERT_EQ(wts->size(), 1u);
  EXPECT_EQ((*wts)[0].path, wt_);
  EXPECT_FALSE((*wts)[0].dir_exists);
}

TEST(RepositoryTest, NoCommitsGivesAClearMessage) {
  TempDir dir;
  ::orch::testing::InitRepo(dir.Sub("empty"));
  auto repo = GitRepo::Open(dir.Sub("empty"));
  ASSERT_TRUE(repo.ok()) << repo.status();
  auto head = (*repo)->Head();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->kind, HeadState::Kind::kUnborn);
  EXPECT_EQ(head->branch, "main");
  TaskGitSpec spec;
  spec.branch = "task/t1";
  auto c = InspectTask(**repo, spec, "main");
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(c.status()));
  EXPECT_EQ(c.status().message(), dir.Sub("empty") + ": the repository has no commits yet");
}

TEST(RepositoryTest, NotARepositoryGivesAClearMessage) {
  TempDir dir;
  std::filesystem::create_directories(dir.Sub("plain"));
  auto repo = GitRepo::Open(dir.Sub("plain"));
  ASSERT_FALSE(repo.ok());
  EXPECT_TRUE(absl::IsNotFound(repo.status()));
  EXPECT_EQ(repo.status().message(), dir.Sub("plain") + " is not a git repository");
  auto missing = GitRepo::Open(dir.Sub("nowhere"));
  EXPECT_EQ(missing.status().message(), dir.Sub("nowhere") + " does not exist");
}

TEST(RepositoryTest, CommitChangesOfARootCommitAndSummary) {
  GitWorld world(/*with_store=*/false);
  auto repo = GitRepo::Open(world.repo);
  ASSERT_TRUE(repo.ok());
  auto changes = (*repo)->CommitChanges(world.base);
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_EQ(changes->size(), 4u);
  EXPECT_EQ(*(*repo)->CommitSummary(world.base), "init");
  auto bad = (*repo)->ResolveCommit("no-such-branch");
  EXPECT_TRUE(absl::IsNotFound(bad.status())) << bad.status();
}

}  // namespace
}  // namespace orch::git

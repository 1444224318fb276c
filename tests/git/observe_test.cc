// `orch observe [--reconcile]` against real repositories: every drift case
// is reported, reconciled into the right observed events and lifecycle
// states, and a second reconcile appends nothing.
#include <filesystem>

#include "gtest/gtest.h"
#include "tests/git/git_world.h"

namespace orch::testing {
namespace {

nlohmann::json ObserveJson(const GitWorld& w, bool reconcile) {
  std::vector<std::string> args = {"observe", "--json"};
  if (reconcile) args.push_back("--reconcile");
  RunResult r = w.Orch(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out;
  return j;
}

// Findings of one kind (for one task; "" = project-level).
std::vector<nlohmann::json> Findings(const nlohmann::json& report, const std::string& kind) {
  std::vector<nlohmann::json> out;
  for (const auto& f : report["findings"]) {
    if (f["kind"] == kind) out.push_back(f);
  }
  return out;
}

std::vector<StoredEvent> After(const std::vector<StoredEvent>& all, uint64_t seq) {
  std::vector<StoredEvent> out;
  for (const StoredEvent& e : all) {
    if (e.seq > seq) out.push_back(e);
  }
  return out;
}

// Reports without changing anything, reconciles, then checks that a second
// reconcile appends nothing. Returns the events the first one appended.
std::vector<StoredEvent> ReportThenReconcile(const GitWorld& w, const std::string& kind,
                                             nlohmann::json* finding = nullptr) {
  const size_t before = w.Events().size();
  const uint64_t last = before == 0 ? 0 : w.Events().back().seq;
  nlohmann::json report = ObserveJson(w, false);
  auto found = Findings(report, kind);
  EXPECT_EQ(found.size(), 1u) << report.dump(2);
  if (!found.empty()) {
    EXPECT_EQ(found[0]["recorded"], false);
    if (finding != nullptr) *finding = found[0];
  }
  EXPECT_EQ(w.Events().size(), before) << "observe without --reconcile must not write";

  nlohmann::json first = ObserveJson(w, true);
  EXPECT_FALSE(first["appended"].empty()) << first.dump(2);
  std::vector<StoredEvent> appended = After(w.Events(), last);

  nlohmann::json second = ObserveJson(w, true);
  EXPECT_TRUE(second["appended"].empty()) << second.dump(2);
  EXPECT_EQ(w.Events().size(), before + appended.size());
  for (const auto& f : Findings(second, kind)) EXPECT_EQ(f["recorded"], true);
  return appended;
}

TEST(ObserveTest, AgreementReportsNoDrift) {
  GitWorld w;
  w.Dispatch("T1", "task/t1", w.AddWorktree("wt1", "task/t1"));
  nlohmann::json j = ObserveJson(w, false);
  EXPECT_EQ(j["tasks_checked"], 1);
  EXPECT_TRUE(j["findings"].empty()) << j.dump(2);
  EXPECT_EQ(j["worktrees"].size(), 1u);
  EXPECT_EQ(j["worktrees"][0]["branch"], "task/t1");
  EXPECT_EQ(j["checkout_clean"], true);
  RunResult text = w.Orch({"observe"});
  EXPECT_NE(text.out.find("no drift"), std::string::npos) << text.out;
}

TEST(ObserveTest, WorktreeMissingForAnActiveTask) {
  GitWorld w;
  const std::string wt = w.AddWorktree("wt1", "task/t1");
  w.Dispatch("T1", "task/t1", wt);
  std::filesystem::remove_all(wt);
  nlohmann::json f;
  auto appended = ReportThenReconcile(w, "worktree-missing", &f);
  EXPECT_EQ(f["task"], "T1");
  EXPECT_EQ(f["git_shows"], "no directory at " + wt + " (still registered)");
  ASSERT_EQ(appended.size(), 1u);
  EXPECT_EQ(appended[0].type, "drift-detected");
  EXPECT_EQ(appended[0].task, "T1");
  EXPECT_TRUE(appended[0].observed);
  EXPECT_EQ(appended[0].actor, "orch observe");
  EXPECT_EQ(appended[0].payload["kind"], "worktree-missing");
  EXPECT_EQ(w.StateOf("T1"), TaskState::kActive);
}

TEST(ObserveTest, CleanCommitBeyondBaseMeansCompletedUnreviewed) {
  GitWorld w;
  const std::string wt = w.AddWorktree("wt1", "task/t1");
  w.Dispatch("T1", "task/t1", wt, {"--allowed", "src/**"});
  const std::string head = w.Commit(wt, {{"src/feature.cc", "f\n"}});
  EXPECT_EQ(w.StateOf("T1"), TaskState::kActive);
  auto appended = ReportThenReconcile(w, "completed-unreported");
  ASSERT_EQ(appended.size(), 2u);
  EXPECT_EQ(appended[0].type, "drift-detected");
  EXPECT_EQ(appended[1].type, "inspected");
  EXPECT_TRUE(appended[1].observed);
  EXPECT_EQ(appended[1].payload["head"], head);
  EXPECT_EQ(appended[1].payload["ahead_of_base"], 1);
  EXPECT_EQ(appended[1].payload["changed"], nlohmann::json::array({"src/feature.cc"}));
  EXPECT_EQ(w.StateOf("T1"), TaskState::kCompletedUnreviewed);
}

TEST(ObserveTest, DirtyWorktreeIsNotCompletion) {
  GitWorld w;
  const std::string wt = w.AddWorktree("wt1", "task/t1");
  w.Dispatch("T1", "task/t1", wt);
  w.Commit(wt, {{"src/feature.cc", "f\n"}});
  WriteFile(wt + "/src/more.cc", "still working\n");
  EXPECT_TRUE(Findings(ObserveJson(w, false), "completed-unreported").empty());
}

TEST(ObserveTest, BranchMergedWithoutAMergedEventThenPushed) {
  GitWorld w;
  const std::string wt = w.AddWorktree("wt1", "task/t1");
  w.Dispatch("T1", "task/t1", wt);
  w.Commit(wt, {{"src/feature.cc", "f\n"}});
  ASSERT_EQ(w.Orch({"emit", "completed", "--task", "T1"}).exit_code, 0);
  Git(w.repo, {"merge", "-q", "--no-ff", "-m", "merge t1", "task/t1"});
  const std::string merge = w.Head(w.repo);

  // The merge is also not on the remote yet: project-level not-pushed drift
  // comes in the same batch.
  auto all = ReportThenReconcile(w, "merged-unrecorded");
  std::vector<StoredEvent> appended, project;
  for (const StoredEvent& e : all) (e.task == "T1" ? appended : project).push_back(e);
  ASSERT_EQ(project.size(), 1u);
  EXPECT_EQ(project[0].payload["kind"], "not-pushed");
  ASSERT_EQ(appended.size(), 2u) << "drift-detected + merged";
  EXPECT_EQ(appended[1].type, "merged");
  EXPECT_TRUE(appended[1].observed);
  EXPECT_EQ(appended[1].payload["merge_commit"], merge);
  EXPECT_EQ(appended[1].payload["target_branch"], "main");
  EXPECT_EQ(appended[1].payload["files"], nlohmann::json::array({"src/feature.cc"}));
  // Merging unreviewed work is impossible as an assertion; as an observed
  // fact it is recorded with the anomaly.
  EXPECT_NE(appended[1].anomaly.find("only accepted work may be merged"), std::string::npos);
  EXPECT_EQ(w.StateOf("T1"), TaskState::kMerged);

  Git(w.repo, {"push", "-q", "origin", "main"});
  appended = ReportThenReconcile(w, "pushed-unrecorded");
  ASSERT_EQ(appended.size(), 2u);
  EXPECT_EQ(appended[1].type, "pushed");
  EXPECT_EQ(appended[1].payload["remote"], "origin");
  EXPECT_EQ(appended[1].payload["commit"], merge);
  EXPECT_EQ(w.StateOf("T1"), TaskState::kPushed);
  EXPECT_TRUE(Findings(ObserveJson(w, false), "not-pushed").empty());
}

// A project-level pushed (no --task) moves every merged task to pushed, for
// observe as for the status page: no pushed-unrecorded drift, nothing for
// --reconcile to append.
TEST(ObserveTest, ProjectLevelPushCoversTheMergedTasks) {
  GitWorld w;
  const std::string wt = w.AddWorktree("wt1", "task/t1");
  w.Dispatch("T1", "task/t1", wt);
  w.Commit(wt, {{"src/feature.cc", "f\n"}});
  ASSERT_EQ(w.Orch({"emit", "completed", "--task", "T1"}).exit_code, 0);
  ASSERT_EQ(w.Orch({"inspect", "T1"}).exit_code, 0);
  ASSERT_EQ(w.Orch({"emit", "reviewed", "--task", "T1", "--verdict", "accepted"}).exit_code, 0);
  Git(w.repo, {"merge", "-q", "--no-ff", "-m", "merge t1", "task/t1"});
  ASSERT_EQ(w.Orch({"emit", "merged", "--task", "T1", "--from-git"}).exit_code, 0);
  Git(w.repo, {"push", "-q", "origin", "main"});
  RunResult r = w.Orch({"emit", "pushed", "--remote", "origin", "--commit", w.Head(w.repo)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(w.StateOf("T1"), TaskState::kPushed);
  nlohmann::json report = ObserveJson(w, true);
  EXPECT_TRUE(report["findings"].empty()) << report.dump(2);
  EXPECT_TRUE(report["appended"].empty()) << report.dump(2);
  nlohmann::json status = nlohmann::json::parse(w.Orch({"status", "--json"}).out);
  EXPECT_TRUE(status["anomalies"].empty()) << status["anomalies"].dump(2);
}

TEST(ObserveTest, IntegrationAheadOfItsRemote) {
  GitWorld w;
  w.Commit(w.repo, {{"README.md", "local only\n"}});
  nlohmann::json f;
  ReportThenReconcile(w, "not-pushed", &f);
  EXPECT_NE(f["git_shows"].get<std::string>().find("1 commit(s) ahead of origin/main"), std::string::npos);
}

TEST(ObserveTest, WorktreeAndBranchLeftBehindAfterCleaned) {
  GitWorld w;
  const std::string wt = w.AddWorktree("wt1", "task/t1");
  w.Dispatch("T1", "task/t1", wt);
  ASSERT_EQ(w.Orch({"emit", "abandoned", "--task", "T1", "--reason", "obsolete"}).exit_code, 0);
  // A clean-up git contradicts is refused; recorded anyway (observed), the
  // log says cleaned while git still shows the worktree and the branch.
  EXPECT_EQ(w.Orch({"emit", "cleaned", "--task", "T1", "--worktree-removed", "--branch-deleted"}).exit_code,
            3);
  ASSERT_EQ(
      w.Orch({"emit", "cleaned", "--task", "T1", "--worktree-removed", "--branch-deleted", "--observed"})
          .exit_code,
      0);
  ASSERT_EQ(w.StateOf("T1"), TaskState::kCleaned);
  nlohmann::json f;
  auto appended = ReportThenReconcile(w, "left-behind", &f);
  EXPECT_NE(f["git_shows"].get<std::string>().find("worktree " + wt + " still exists"), std::string::npos);
  EXPECT_NE(f["git_shows"].get<std::string>().find("branch task/t1 still exists"), std::string::npos);
  ASSERT_EQ(appended.size(), 1u);
  EXPECT_EQ(w.StateOf("T1"), TaskState::kCleanupNeeded);

  // Once both are gone, nothing is reported.
  Git(w.repo, {"worktree", "remove", "--force", wt});
  Git(w.repo, {"branch", "-q", "-D", "task/t1"});
  EXPECT_TRUE(Findings(ObserveJson(w, false), "left-behind").empty());
}

TEST(ObserveTest, DirtyIntegrationCheckout) {
  GitWorld w;
  WriteFile(w.repo + "/README.md", "edited in place\n");
  WriteFile(w.repo + "/scratch.txt", "x\n");
  nlohmann::json f;
  auto appended = ReportThenReconcile(w, "integration-dirty", &f);
  EXPECT_EQ(f["git_shows"], "checkout " + w.repo + ": unstaged README.md; untracked scratch.txt");
  ASSERT_EQ(appended.size(), 1u);
  EXPECT_EQ(appended[0].task, "");
}

TEST(ObserveTest, StoreInsideTheCheckoutIsNotDirt) {
  GitWorld w(/*with_store=*/false);
  const std::string store = w.repo + "/.orch";
  ASSERT_EQ(Orch(store, {"init"}, "", w.repo).exit_code, 0);
  RunResult r = ::orch::testing::Run({OrchBin(), "observe", "--json"}, w.repo);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["checkout_clean"], true) << r.out;
}

TEST(ObserveTest, NotARepositoryAndNoCommitsAreOneLineErrors) {
  GitWorld w;
  const std::string plain = w.Path("plain");
  std::filesystem::create_directories(plain);
  RunResult r = w.Orch({"observe", "--repo", plain});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "orch: " + plain + " is not a git repository\n");

  const std::string empty = w.Path("empty");
  InitRepo(empty);
  r = w.Orch({"observe", "--repo", empty});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "orch: " + empty + ": the repository has no commits yet\n");
}

TEST(ObserveTest, AllDriftAtOnceReconcilesInOneBatch) {
  GitWorld w;
  const std::string wt1 = w.AddWorktree("wt1", "task/t1");
  const std::string wt2 = w.AddWorktree("wt2", "task/t2");
  w.Dispatch("T1", "task/t1", wt1, {"--allowed", "src/one.cc"});
  w.Dispatch("T2", "task/t2", wt2, {"--allowed", "src/two.cc"});
  std::filesystem::remove_all(wt1);
  w.Commit(wt2, {{"src/two.cc", "2\n"}});
  WriteFile(w.repo + "/README.md", "dirty\n");
  nlohmann::json first = ObserveJson(w, true);
  EXPECT_EQ(first["findings"].size(), 3u) << first.dump(2);
  EXPECT_EQ(first["appended"].size(), 4u);
  // One batch: consecutive sequence numbers.
  EXPECT_EQ(first["appended"][3].get<uint64_t>() - first["appended"][0].get<uint64_t>(), 3u);
  nlohmann::json second = ObserveJson(w, true);
  EXPECT_TRUE(second["appended"].empty());
  RunResult text = w.Orch({"observe"});
  EXPECT_NE(text.out.find("[recorded]"), std::string::npos) << text.out;
}

}  // namespace
}  // namespace orch::testing

// The loop's settings are folded once (projections/project_settings.h): a
// second `orch init` without --project-root keeps the recorded root, and
// `orch watch` (which reads the project fold) and `orch inspect` (which
// reads the git facts) work on the same repository. On a fresh clone
// before this, the project fold erased the root, so `orch watch` run from
// another repository read that one while `orch inspect` kept the first.
#include "gtest/gtest.h"
#include "tests/git/git_world.h"

namespace orch::testing {
namespace {

using nlohmann::json;

TEST(ProjectSettingsTest, ASecondInitWithoutAProjectRootKeepsTheRecordedRoot) {
  GitWorld w;  // `orch init --project-root repo`
  const std::string wt = w.AddWorktree("wt1", "task/t1");
  w.Dispatch("T1", "task/t1", wt);
  const std::string head = w.Commit(wt, {{"src/feature.cc", "// done\n"}});
  WriteFile(w.repo + "/only-in-the-project.txt", "dirt\n");  // the project's checkout is dirty

  // Another repository, where the operator happens to stand.
  const std::string other = w.Path("other");
  InitRepo(other);
  w.Commit(other, {{"x.txt", "x\n"}});
  RunResult r = w.Orch({"init", "--max-concurrency", "3"}, other);
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // The project fold keeps the root (the ledger shows it).
  r = w.Orch({"ledger"}, other);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json ledger = json::parse(r.out, nullptr, false);
  EXPECT_EQ(ledger["projectRoot"], w.repo) << r.out.substr(0, 400);
  EXPECT_EQ(ledger["maxConcurrency"], 3);

  // orch watch reads the recorded repository, not the one around cwd.
  r = w.Orch({"watch", "--once", "--check-only", "--json"}, other);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json report = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << r.out;
  EXPECT_EQ(report["git_problem"], "");
  std::string integration;
  for (const json& f : report["findings"]) {
    if (f["kind"] == "integration-dirty") integration = f["git_shows"].get<std::string>();
  }
  EXPECT_EQ(integration, "checkout " + w.repo + ": untracked only-in-the-project.txt") << report.dump(1);

  // orch inspect reads the same repository: the task's branch is there.
  r = w.Orch({"inspect", "T1", "--json"}, other);
  const json inspected = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(inspected.is_object()) << r.out << r.err;
  EXPECT_EQ(inspected["worktree"], wt);
  EXPECT_EQ(inspected["inspected"]["head"], head);
}

}  // namespace
}  // namespace orch::testing

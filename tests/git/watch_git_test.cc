// The watchdog on real worktrees: each stall case (a clean commit, a dirty
// worktree, nothing at all) gets its suggested action, budgets overrun are
// found, each stall is recorded once; observe and status name a dirty
// worktree; `orch health` exits 0 ok, 0/1 on a warning (--fail-on-warning)
// and 1 on a failure. Time is pinned with ORCH_NOW two hours on.
#include <chrono>
#include <ctime>

#include "gtest/gtest.h"
#include "tests/git/git_world.h"

namespace orch::testing {
namespace {

using nlohmann::json;

std::string Rfc3339In(int64_t seconds_from_now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()) +
                        static_cast<std::time_t>(seconds_from_now);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

RunResult OrchAt(const GitWorld& w, const std::string& now, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {OrchBin(), "--store", w.store};
  argv.insert(argv.end(), args.begin(), args.end());
  return orch::testing::Run(argv, w.repo, {{"ORCH_NOW", now}});
}

json WatchJson(const GitWorld& w, const std::string& now, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"watch", "--once", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  RunResult r = OrchAt(w, now, args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out, nullptr, false);
}

std::map<std::string, json> StallsByTask(const json& report) {
  std::map<std::string, json> out;
  for (const auto& f : report["findings"]) {
    if (f["kind"] == "stale-detected") out[f["task"].get<std::string>()] = f;
  }
  return out;
}

std::vector<StoredEvent> OfType(const GitWorld& w, const std::string& type) {
  std::vector<StoredEvent> out;
  for (const StoredEvent& e : w.Events()) {
    if (e.type == type) out.push_back(e);
  }
  return out;
}

TEST(WatchGitTest, EachStallCaseGetsItsSuggestedActionOnce) {
  GitWorld w;
  const std::string wt1 = w.AddWorktree("wt1", "task/t1");
  const std::string wt2 = w.AddWorktree("wt2", "task/t2");
  const std::string wt3 = w.AddWorktree("wt3", "task/t3");
  ASSERT_EQ(w.Orch({"init", "--project-root", w.repo, "--max-concurrency", "3"}).exit_code, 0);
  w.Dispatch("T1", "task/t1", wt1, {"--allowed", "src/feature.cc"});
  w.Dispatch("T2", "task/t2", wt2, {"--allowed", "src/half.cc"});
  w.Dispatch("T3", "task/t3", wt3, {"--allowed", "src/three.cc"});
  w.Commit(wt1, {{"src/feature.cc", "// done\n"}});   // a clean commit beyond the base
  WriteFile(wt2 + "/src/half.cc", "// half done\n");  // uncommitted
  // T3: nothing at all.

  const std::string later = Rfc3339In(2 * 3600);
  // Within the allowance nothing is stale.
  EXPECT_TRUE(StallsByTask(WatchJson(w, Rfc3339In(60), {"--check-only"})).empty());

  const json report = WatchJson(w, later);
  auto stalls = StallsByTask(report);
  ASSERT_EQ(stalls.size(), 3u) << report.dump(2);
  EXPECT_EQ(stalls["T1"]["reason"], "idle");
  EXPECT_EQ(stalls["T1"]["suggested_action"].get<std::string>().rfind("review it", 0), 0u) << stalls["T1"];
  EXPECT_EQ(stalls["T2"]["suggested_action"].get<std::string>().rfind("nudge the worker or inspect", 0), 0u)
      << stalls["T2"];
  EXPECT_NE(stalls["T2"]["detail"].get<std::string>().find("untracked src/half.cc"), std::string::npos)
      << stalls["T2"];
  EXPECT_EQ(stalls["T3"]["suggested_action"].get<std::string>().rfind("abandon or re-dispatch", 0), 0u)
      << stalls["T3"];
  for (const auto& [task, f] : stalls) EXPECT_EQ(f["new"], true) << task;

  const auto recorded = OfType(w, "stale-detected");
  ASSERT_EQ(recorded.size(), 3u);
  for (const StoredEvent& e : recorded) {
    EXPECT_EQ(e.actor, "orch watch");
    EXPECT_EQ(e.payload["reason"], "idle");
    EXPECT_EQ(e.payload["suggested_action"], stalls[e.task]["suggested_action"]);
    EXPECT_EQ(w.StateOf(e.task), TaskState::kStaleNeedsInspection);
  }
  // The same stalls, seen again later: nothing new.
  const json again = WatchJson(w, Rfc3339In(3 * 3600));
  EXPECT_EQ(again["appended"], 0) << again.dump(2);
  for (const auto& [task, f] : StallsByTask(again)) EXPECT_EQ(f["new"], false) << task;
  EXPECT_EQ(OfType(w, "stale-detected").size(), 3u);

  // `orch next` handles the stale workers first.
  RunResult next = OrchAt(w, Rfc3339In(3 * 3600), {"next", "--json"});
  EXPECT_EQ(json::parse(next.out)["rule"], "stale-worker") << next.out;
}

TEST(WatchGitTest, RuntimeAndReviewBudgetsOverrunAreFound) {
  GitWorld w;
  const std::string wt1 = w.AddWorktree("wt1", "task/t1");
  const std::string wt2 = w.AddWorktree("wt2", "task/t2");
  w.Dispatch("T1", "task/t1", wt1, {"--runtime-budget-minutes", "60", "--allowed", "src/t1.cc"});
  w.Dispatch("T2", "task/t2", wt2, {"--review-budget-minutes", "30", "--allowed", "src/t2.cc"});
  w.Commit(wt2, {{"src/t2.cc", "// t2\n"}});
  ASSERT_EQ(w.Orch({"emit", "completed", "--task", "T2"}).exit_code, 0);

  // Idle allowance far away: only the budgets can find them.
  const json report = WatchJson(w, Rfc3339In(2 * 3600), {"--stale-after", "10h"});
  auto stalls = StallsByTask(report);
  ASSERT_EQ(stalls.size(), 2u) << report.dump(2);
  EXPECT_EQ(stalls["T1"]["reason"], "runtime-budget");
  EXPECT_NE(stalls["T1"]["detail"].get<std::string>().find("past its 1h00m runtime budget"),
            std::string::npos)
      << stalls["T1"];
  EXPECT_EQ(stalls["T2"]["reason"], "review-budget");
  EXPECT_EQ(stalls["T2"]["suggested_action"].get<std::string>().rfind("review it now", 0), 0u)
      << stalls["T2"];
  EXPECT_EQ(OfType(w, "stale-detected").size(), 2u);
  EXPECT_EQ(WatchJson(w, Rfc3339In(2 * 3600 + 60), {"--stale-after", "10h"})["appended"], 0);
  EXPECT_EQ(OfType(w, "stale-detected").size(), 2u);
}

TEST(WatchGitTest, ObserveAndStatusNameADirtyWorktree) {
  GitWorld w;
  const std::string wt1 = w.AddWorktree("wt1", "task/t1");
  const std::string wt2 = w.AddWorktree("wt2", "task/t2");
  w.Dispatch("T1", "task/t1", wt1, {"--allowed", "src/wip.cc"});
  w.Dispatch("T2", "task/t2", wt2, {"--allowed", "src/t2.cc"});
  WriteFile(wt1 + "/src/wip.cc", "// wip\n");
  w.Commit(wt2, {{"src/t2.cc", "// t2\n"}});
  WriteFile(wt2 + "/notes.txt", "left over\n");
  ASSERT_EQ(w.Orch({"emit", "completed", "--task", "T2"}).exit_code, 0);

  RunResult observe = w.Orch({"observe", "--json"});
  ASSERT_EQ(observe.exit_code, 0) << observe.err;
  std::map<std::string, json> dirty;
  const json report = json::parse(observe.out);
  for (const auto& f : report["findings"]) {
    if (f["kind"] == "worktree-dirty") dirty[f["task"].get<std::string>()] = f;
  }
  ASSERT_EQ(dirty.size(), 2u) << observe.out;
  EXPECT_NE(dirty["T1"]["git_shows"].get<std::string>().find("untracked src/wip.cc"), std::string::npos);
  EXPECT_NE(dirty["T2"]["git_shows"].get<std::string>().find("untracked notes.txt"), std::string::npos);
  RunResult text = w.Orch({"observe"});
  EXPECT_NE(text.out.find("T1 worktree-dirty"), std::string::npos) << text.out;

  ASSERT_EQ(w.Orch({"observe", "--reconcile"}).exit_code, 0);
  RunResult status = w.Orch({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("dirty worktree: uncommitted changes"), std::string::npos) << status.out;
  const json page = json::parse(w.Orch({"status", "--json"}).out);
  size_t named = 0;
  for (const auto& a : page["needsHuman"]) {
    if (a.dump().find("dirty worktree") != std::string::npos) ++named;
  }
  EXPECT_EQ(named, 2u) << page["needsHuman"].dump(2);
  // A second reconcile records nothing new.
  RunResult again = w.Orch({"observe", "--reconcile", "--json"});
  EXPECT_TRUE(json::parse(again.out)["appended"].empty()) << again.out;
}

TEST(WatchGitTest, IntegrationCheckoutDirtyThenCleanIsRecordedEachTime) {
  GitWorld w;
  WriteFile(w.repo + "/scratch.txt", "x\n");
  ASSERT_EQ(w.Orch({"observe", "--reconcile"}).exit_code, 0);
  EXPECT_EQ(json::parse(w.Orch({"next", "--json"}).out)["rule"], "integration-dirty");
  std::filesystem::remove(w.repo + "/scratch.txt");
  // The watchdog records the checkout clean again; next no longer blocks on it.
  const json report = WatchJson(w, Rfc3339In(60));
  EXPECT_EQ(report["appended"], 1) << report.dump(2);
  EXPECT_NE(json::parse(w.Orch({"next", "--json"}).out)["rule"], "integration-dirty");
  // Dirty again with the same file: a new report, not a repeat of the first.
  WriteFile(w.repo + "/scratch.txt", "x\n");
  EXPECT_EQ(WatchJson(w, Rfc3339In(120))["appended"], 1);
  EXPECT_EQ(json::parse(w.Orch({"next", "--json"}).out)["rule"], "integration-dirty");
  EXPECT_EQ(WatchJson(w, Rfc3339In(180))["appended"], 0);
}

std::vector<json> OfKind(const json& report, const std::string& kind) {
  std::vector<json> out;
  for (const auto& f : report["findings"]) {
    if (f["kind"] == kind) out.push_back(f);
  }
  return out;
}

// Setup reconcile: a dispatched task whose worktree git lists becomes
// active through one observed worktree-ready, whichever of observe
// --reconcile and watch sees it first; a setup past its allowance is said.
TEST(SetupReconcileTest, APendingSetupBecomesActiveOnceWhenItsWorktreeAppears) {
  GitWorld w;
  ASSERT_EQ(w.Orch({"lane", "open", "checkout"}).exit_code, 0);
  ASSERT_EQ(
      w.Orch({"dispatch", "T1", "--title", "t1", "--package", "checkout", "--branch", "task/t1"}).exit_code,
      0);
  RunResult r = w.Orch({"observe", "--json"});
  EXPECT_TRUE(OfKind(json::parse(r.out), "setup-unreported").empty()) << r.out;  // no worktree yet

  const std::string wt = w.AddWorktree("wt1", "task/t1");
  r = w.Orch({"observe", "--json"});
  auto found = OfKind(json::parse(r.out), "setup-unreported");
  ASSERT_EQ(found.size(), 1u) << r.out;
  EXPECT_EQ(found[0]["task"], "T1");
  EXPECT_EQ(w.StateOf("T1"), TaskState::kPendingSetup);  // reported, not recorded

  r = w.Orch({"observe", "--reconcile"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(w.StateOf("T1"), TaskState::kActive);
  const auto ready = OfType(w, "worktree-ready");
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_TRUE(ready[0].observed);
  EXPECT_EQ(ready[0].actor, "orch observe");
  EXPECT_EQ(ready[0].payload["worktree"], wt);
  EXPECT_EQ(ready[0].payload["branch"], "task/t1");
  EXPECT_EQ(ready[0].payload["base_commit"], w.base);
  EXPECT_TRUE(ready[0].anomaly.empty()) << ready[0].anomaly;

  // Once: neither a second reconcile nor the watchdog records it again.
  const size_t events = w.Events().size();
  EXPECT_EQ(w.Orch({"observe", "--reconcile"}).exit_code, 0);
  EXPECT_EQ(WatchJson(w, Rfc3339In(60))["appended"], 0);
  EXPECT_EQ(w.Events().size(), events);
}

TEST(SetupReconcileTest, TheWatchdogReconcilesAPendingSetupToo) {
  GitWorld w;
  ASSERT_EQ(w.Orch({"lane", "open", "checkout"}).exit_code, 0);
  ASSERT_EQ(
      w.Orch({"dispatch", "T2", "--title", "t2", "--package", "checkout", "--branch", "task/t2"}).exit_code,
      0);
  const std::string wt = w.AddWorktree("wt2", "task/t2");
  const json report = WatchJson(w, Rfc3339In(60));
  auto found = OfKind(report, "setup-unreported");
  ASSERT_EQ(found.size(), 1u) << report.dump(2);
  EXPECT_EQ(found[0]["new"], true);
  EXPECT_EQ(report["appended"], 2) << report.dump(2);  // the drift and the worktree-ready
  EXPECT_EQ(w.StateOf("T2"), TaskState::kActive);
  ASSERT_EQ(OfType(w, "worktree-ready").size(), 1u);
  EXPECT_EQ(OfType(w, "worktree-ready")[0].payload["worktree"], wt);
  EXPECT_EQ(WatchJson(w, Rfc3339In(120))["appended"], 0);
  RunResult again = w.Orch({"observe", "--reconcile", "--json"});
  EXPECT_TRUE(json::parse(again.out)["appended"].empty()) << again.out;
}

TEST(SetupReconcileTest, APendingSetupPastItsAllowanceIsReported) {
  GitWorld w;
  ASSERT_EQ(w.Orch({"lane", "open", "checkout"}).exit_code, 0);
  ASSERT_EQ(
      w.Orch({"dispatch", "T3", "--title", "t3", "--package", "checkout", "--branch", "task/t3"}).exit_code,
      0);
  // Within the default allowance (10m): nothing to say.
  EXPECT_TRUE(OfKind(WatchJson(w, Rfc3339In(5 * 60), {"--stale-after", "10h"}), "setup-overdue").empty());
  const json late = WatchJson(w, Rfc3339In(20 * 60), {"--stale-after", "10h"});
  auto overdue = OfKind(late, "setup-overdue");
  ASSERT_EQ(overdue.size(), 1u) << late.dump(2);
  EXPECT_EQ(overdue[0]["task"], "T3");
  EXPECT_EQ(overdue[0]["new"], true);
  EXPECT_NE(overdue[0]["log_says"].get<std::string>().find("a setup may take 10m"), std::string::npos)
      << overdue[0];
  EXPECT_EQ(overdue[0]["git_shows"], "no worktree has task/t3 checked out");
  EXPECT_EQ(OfType(w, "drift-detected").size(), 1u);
  // Still overdue later: said again, recorded once.
  const json later = WatchJson(w, Rfc3339In(40 * 60), {"--stale-after", "10h"});
  ASSERT_EQ(OfKind(later, "setup-overdue").size(), 1u);
  EXPECT_EQ(OfKind(later, "setup-overdue")[0]["new"], false);
  EXPECT_EQ(OfType(w, "drift-detected").size(), 1u);
  RunResult observe = OrchAt(w, Rfc3339In(40 * 60), {"observe", "--json"});
  auto seen = OfKind(json::parse(observe.out), "setup-overdue");
  ASSERT_EQ(seen.size(), 1u) << observe.out;
  EXPECT_EQ(seen[0]["recorded"], true);
  // A longer allowance in the settings: not overdue.
  ASSERT_EQ(w.Orch({"emit", "settings", "--setup-allowance-seconds", "1h"}).exit_code, 0);
  observe = OrchAt(w, Rfc3339In(40 * 60), {"observe", "--json"});
  EXPECT_TRUE(OfKind(json::parse(observe.out), "setup-overdue").empty()) << observe.out;
}

int HealthExit(const GitWorld& w, const std::string& now, const std::vector<std::string>& extra = {},
               json* report = nullptr) {
  std::vector<std::string> args = {"health", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  RunResult r = OrchAt(w, now, args);
  if (report != nullptr) *report = json::parse(r.out, nullptr, false);
  return r.exit_code;
}

std::string CheckStatus(const json& report, const std::string& name) {
  for (const auto& c : report["checks"]) {
    if (c["check"] == name) return c["status"];
  }
  return "absent";
}

TEST(HealthTest, ExitCodesForOkWarningAndFailure) {
  GitWorld w;
  const std::string now = Rfc3339In(60);
  ASSERT_EQ(OrchAt(w, now, {"emit", "heartbeat", "--source", "cron", "--next-expected-at", Rfc3339In(360)})
                .exit_code,
            0);
  // No watchdog pass yet: a warning.
  json report;
  EXPECT_EQ(HealthExit(w, now, {}, &report), 0) << report.dump(2);
  EXPECT_EQ(report["status"], "warning");
  EXPECT_EQ(CheckStatus(report, "watchdog"), "warning");
  EXPECT_EQ(HealthExit(w, now, {"--fail-on-warning"}), 1);

  // The watchdog ran: everything is ok.
  WatchJson(w, now);
  EXPECT_EQ(HealthExit(w, now, {"--fail-on-warning"}, &report), 0) << report.dump(2);
  EXPECT_EQ(report["status"], "ok");
  for (const char* check :
       {"store", "watchdog", "heartbeat", "workers", "drift", "integration checkout", "disk"}) {
    EXPECT_EQ(CheckStatus(report, check), "ok") << check << "\n" << report.dump(2);
  }

  // A dirty integration checkout is a warning.
  WriteFile(w.repo + "/scratch.txt", "x\n");
  EXPECT_EQ(HealthExit(w, now, {}, &report), 0);
  EXPECT_EQ(CheckStatus(report, "integration checkout"), "warning") << report.dump(2);
  EXPECT_EQ(HealthExit(w, now, {"--fail-on-warning"}), 1);
  std::filesystem::remove(w.repo + "/scratch.txt");

  // The loop slept through its wake-ups: a failure, with or without the flag.
  const std::string much_later = Rfc3339In(3 * 3600);
  EXPECT_EQ(HealthExit(w, much_later, {}, &report), 1) << report.dump(2);
  EXPECT_EQ(report["status"], "failure");
  EXPECT_EQ(CheckStatus(report, "heartbeat"), "failure");
  RunResult text = OrchAt(w, much_later, {"health"});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.out.find("failure  heartbeat: the loop is asleep"), std::string::npos) << text.out;
  EXPECT_NE(text.err.find("health: 1 failure(s)"), std::string::npos) << text.err;
}

}  // namespace
}  // namespace orch::testing

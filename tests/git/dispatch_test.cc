// orch dispatch: every refusal reason, each on a real repository with real
// worktrees for the tasks in flight, a dispatch that passes, --dry-run and
// --json, and `orch emit dispatched` refused with the same reasons.
#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/git/git_world.h"

namespace orch::testing {
namespace {

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class DispatchTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(w_.Orch({"lane", "open", "checkout"}).exit_code, 0); }

  // `orch dispatch TASK` into `package` with the write set `allowed`.
  RunResult Dispatch(const std::string& task, const std::vector<std::string>& allowed,
                     std::vector<std::string> extra = {}, const std::string& package = "checkout") {
    std::vector<std::string> args = {"dispatch",  task,    "--title",  "work on " + task,
                                     "--package", package, "--branch", "task/" + task};
    for (const std::string& g : allowed) args.insert(args.end(), {"--allowed", g});
    args.insert(args.end(), extra.begin(), extra.end());
    return w_.Orch(args);
  }
  // A task in flight the way a loop makes one: dispatched (checked), then
  // its worktree added with git and reported ready.
  void InFlight(const std::string& task, const std::vector<std::string>& allowed,
                const std::string& package = "checkout") {
    RunResult r = Dispatch(task, allowed, {}, package);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string wt = w_.AddWorktree("wt-" + task, "task/" + task);
    r = w_.Orch({"emit", "worktree-ready", "--task", task, "--worktree", wt, "--branch", "task/" + task});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(w_.StateOf(task), TaskState::kActive);
  }
  size_t Events() { return w_.Events().size(); }
  // Refused with exit 3 naming `rule`, and nothing appended.
  void ExpectRefused(const RunResult& r, size_t events_before, const std::string& rule) {
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_TRUE(Has(r.err, "[" + rule + "]")) << r.err;
    EXPECT_EQ(Events(), events_before);
  }

  GitWorld w_;
};

TEST_F(DispatchTest, APassingDispatchIsRecordedWithItsContract) {
  RunResult r =
      Dispatch("T1", {"web/checkout/**"},
               {"--gate", "make test", "--forbidden", "secrets/**", "--evidence-expected", "local",
                "--max-runtime", "90m", "--review-budget", "25m", "--pending-worktree-id", "wt-17"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "dispatched T1 into lane checkout as seq")) << r.out;
  EXPECT_EQ(r.err, "");
  const StoredEvent e = w_.Events().back();
  ASSERT_EQ(e.type, "dispatched");
  EXPECT_EQ(e.task, "T1");
  EXPECT_EQ(e.payload["package_id"], "checkout");
  EXPECT_EQ(e.payload["branch"], "task/T1");
  EXPECT_EQ(e.payload["base_commit"], w_.base);  // the integration head by default
  EXPECT_EQ(e.payload["allowed"], nlohmann::json::array({"web/checkout/**"}));
  EXPECT_EQ(e.payload["forbidden"], nlohmann::json::array({"secrets/**"}));
  EXPECT_EQ(e.payload["gates"], nlohmann::json::array({"make test"}));
  EXPECT_EQ(e.payload["expected_evidence"], "local");
  EXPECT_EQ(e.payload["runtime_budget_minutes"], 90);
  EXPECT_EQ(e.payload["review_budget_minutes"], 25);
  EXPECT_EQ(e.payload["pending_worktree_id"], "wt-17");
  EXPECT_EQ(w_.StateOf("T1"), TaskState::kPendingSetup);
}

// A verb and the raw event take the same flag for the same field, and
// each still takes the other spelling (schema/event_schema.cc kSpellings):
// both spellings on both commands record the same payload.
TEST_F(DispatchTest, TheVerbAndTheRawEventTakeBothSpellingsOfEachField) {
  ASSERT_EQ(w_.Orch({"init", "--project-root", w_.repo, "--max-concurrency", "8"}).exit_code, 0);
  const std::vector<std::string> preferred = {
      "--package",     "checkout", "--gate",          "make test", "--expected-evidence", "local",
      "--max-runtime", "90m",      "--review-budget", "25m",       "--switch-reason",     "why"};
  const std::vector<std::string> old = {"--package-id",
                                        "checkout",
                                        "--gates",
                                        "make test",
                                        "--evidence-expected",
                                        "local",
                                        "--runtime-budget-minutes",
                                        "90",
                                        "--review-budget-minutes",
                                        "25",
                                        "--package-switch-reason",
                                        "why"};
  int n = 0;
  for (const bool verb : {true, false}) {
    for (const auto* spelling : {&preferred, &old}) {
      const std::string task = "T" + std::to_string(++n);
      std::vector<std::string> args = verb ? std::vector<std::string>{"dispatch", task}
                                           : std::vector<std::string>{"emit", "dispatched", "--task", task};
      args.insert(args.end(), {"--title", "t", "--branch", "task/" + task, "--allowed", "d" + task + "/**"});
      args.insert(args.end(), spelling->begin(), spelling->end());
      args.insert(args.end(), {spelling == &preferred ? "--self-review" : "--self-review-path",
                               "d" + task + "/review.md"});
      RunResult r = w_.Orch(args);
      ASSERT_EQ(r.exit_code, 0) << (verb ? "verb " : "emit ") << (spelling == &old ? "old " : "") << r.err;
      const StoredEvent e = w_.Events().back();
      ASSERT_EQ(e.task, task);
      EXPECT_EQ(e.payload["package_id"], "checkout") << task;
      EXPECT_EQ(e.payload["gates"], nlohmann::json::array({"make test"})) << task;
      EXPECT_EQ(e.payload["expected_evidence"], "local") << task;
      EXPECT_EQ(e.payload["runtime_budget_minutes"], 90) << task;
      EXPECT_EQ(e.payload["review_budget_minutes"], 25) << task;
      EXPECT_EQ(e.payload["self_review_path"], "d" + task + "/review.md") << task;
      EXPECT_EQ(e.payload["package_switch_reason"], "why") << task;
    }
  }
  // --help shows the one spelling.
  for (const std::vector<std::string>& help : {std::vector<std::string>{"dispatch", "--help"},
                                               std::vector<std::string>{"emit", "dispatched", "--help"}}) {
    const std::string out = w_.Orch(help).out;
    for (const char* flag :
         {"--package ", "--gate ", "--expected-evidence ", "--max-runtime ", "--self-review "}) {
      EXPECT_TRUE(Has(out, flag)) << flag << " in " << out;
    }
    for (const char* alias : {"--package-id", "--gates", "--evidence-expected", "--runtime-budget-minutes",
                              "--self-review-path", "--package-switch-reason"}) {
      EXPECT_FALSE(Has(out, alias)) << alias << " in " << out;
    }
  }
}

TEST_F(DispatchTest, RefusedUnlessTheRunModeIsActive) {
  ASSERT_EQ(w_.Orch({"emit", "run-mode-changed", "--mode", "paused", "--reason", "night over"}).exit_code, 0);
  size_t before = Events();
  RunResult r = Dispatch("T1", {"web/**"});
  ExpectRefused(r, before, "paused");
  EXPECT_TRUE(Has(r.err, "run mode is paused: night over")) << r.err;

  ASSERT_EQ(w_.Orch({"emit", "run-mode-changed", "--mode", "draining"}).exit_code, 0);
  ExpectRefused(Dispatch("T1", {"web/**"}), Events(), "draining");
  ASSERT_EQ(w_.Orch({"emit", "run-mode-changed", "--mode", "active"}).exit_code, 0);
  EXPECT_EQ(Dispatch("T1", {"web/**"}).exit_code, 0);
}

TEST_F(DispatchTest, RefusedWhenEverySlotIsTakenAndPendingSetupsCount) {
  InFlight("T1", {"web/**"});  // active, in its worktree
  // T2 is only dispatched: its setup is pending, and it takes a slot too.
  ASSERT_EQ(Dispatch("T2", {"api/**"}).exit_code, 0);
  ASSERT_EQ(w_.StateOf("T2"), TaskState::kPendingSetup);
  const size_t before = Events();
  RunResult r = Dispatch("T3", {"docs/**"});
  ExpectRefused(r, before, "slots-full");
  EXPECT_TRUE(Has(r.err, "all 2 slots are busy (T1, T2; pending setups count)")) << r.err;
}

TEST_F(DispatchTest, RefusedWhileAReviewIsWaitingOrOpen) {
  InFlight("T1", {"web/**"});
  w_.Commit(w_.Path("wt-T1"), {{"web/a.ts", "a\n"}});
  ASSERT_EQ(w_.Orch({"emit", "completed", "--task", "T1"}).exit_code, 0);
  ASSERT_EQ(w_.StateOf("T1"), TaskState::kCompletedUnreviewed);
  RunResult r = Dispatch("T2", {"api/**"});
  ExpectRefused(r, Events(), "review-ready");
  EXPECT_TRUE(Has(r.err, "reviews come before new dispatches")) << r.err;

  ASSERT_EQ(w_.Orch({"emit", "review-started", "--task", "T1"}).exit_code, 0);
  r = Dispatch("T2", {"api/**"});
  ExpectRefused(r, Events(), "review-open");
  EXPECT_TRUE(Has(r.err, "review of T1 is open")) << r.err;
}

TEST_F(DispatchTest, RefusedWhenTheWriteSetOverlapsATaskInFlight) {
  InFlight("T1", {"src/**"});
  RunResult r = Dispatch("T2", {"src/api/*.ts"});
  ExpectRefused(r, Events(), "write-set-overlap");
  EXPECT_TRUE(Has(r.err, "the write set overlaps T1's (active): src/api/*.ts overlaps src/**")) << r.err;
  // ** in the middle of a pattern, on either side.
  ExpectRefused(Dispatch("T2", {"**/README.md"}), Events(), "write-set-overlap");
  // No write set is "anywhere": it overlaps everything in flight.
  ExpectRefused(Dispatch("T2", {}), Events(), "write-set-overlap");
  // A disjoint tree passes.
  EXPECT_EQ(Dispatch("T2", {"docs/**"}).exit_code, 0);
}

TEST_F(DispatchTest, CharacterClassesAndDisjointTreesAreDecidedExactly) {
  ASSERT_EQ(w_.Orch({"init", "--project-root", w_.repo, "--max-concurrency", "4"}).exit_code, 0);
  InFlight("T1", {"src/a/**", "lib/[a-m]*.c"});
  EXPECT_EQ(Dispatch("T2", {"src/b/**"}).exit_code, 0);      // src/a/** and src/b/** are disjoint
  EXPECT_EQ(Dispatch("T3", {"lib/[n-z]*.c"}).exit_code, 0);  // the classes share no letter
  RunResult r = Dispatch("T4", {"lib/k?.c"});                // lib/ka.c matches both
  ExpectRefused(r, Events(), "write-set-overlap");
  EXPECT_TRUE(Has(r.err, "lib/k?.c overlaps lib/[a-m]*.c")) << r.err;
  EXPECT_FALSE(Has(r.err, "T2")) << r.err;  // only the task it overlaps is named
}

TEST_F(DispatchTest, SerialPathsTakeOneTaskAtATime) {
  ASSERT_EQ(w_.Orch({"init", "--project-root", w_.repo, "--max-concurrency", "4"}).exit_code, 0);
  ASSERT_EQ(w_.Orch({"emit", "settings", "--serial-paths", "db/migrations/**", "--serial-paths",
                     "api/openapi.yaml"})
                .exit_code,
            0);
  InFlight("T1", {"db/migrations/001_users.sql"});
  // Another migration overlaps no file of T1's, but migrations are serial.
  RunResult r = Dispatch("T2", {"db/migrations/002_orders.sql"});
  ExpectRefused(r, Events(), "serial-path");
  EXPECT_TRUE(Has(r.err, "serial path db/migrations/** is touched by T1 in flight")) << r.err;
  // A different serial path, and ordinary paths, are free.
  EXPECT_EQ(Dispatch("T3", {"api/openapi.yaml"}).exit_code, 0);
  EXPECT_EQ(Dispatch("T4", {"web/**"}).exit_code, 0);
}

TEST_F(DispatchTest, APackageThatIsNotTheCurrentLaneNeedsASwitchReason) {
  ASSERT_EQ(w_.Orch({"lane", "open", "refunds", "--switch-reason", "refunds are due first"}).exit_code,
            0);  // the current lane now
  ASSERT_EQ(w_.Orch({"init", "--project-root", w_.repo, "--max-concurrency", "4"}).exit_code, 0);
  RunResult r = Dispatch("T1", {"web/**"}, {}, "checkout");
  ExpectRefused(r, Events(), "lane-mismatch");
  EXPECT_TRUE(Has(r.err, "package checkout is not the current lane refunds (open)")) << r.err;
  // Never opened: open it first.
  ExpectRefused(Dispatch("T1", {"web/**"}, {}, "search"), Events(), "no-lane");

  r = Dispatch("T1", {"web/**"}, {"--switch-reason", "checkout bug blocks the demo"}, "checkout");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(w_.Events().back().payload["package_switch_reason"], "checkout bug blocks the demo");
  // The switch made checkout the current lane: refunds now needs a reason.
  ExpectRefused(Dispatch("T2", {"api/**"}, {}, "refunds"), Events(), "lane-mismatch");
  EXPECT_EQ(Dispatch("T2", {"api/**"}, {}, "checkout").exit_code, 0);
  RunResult status = w_.Orch({"status"});
  EXPECT_TRUE(Has(status.out, "lane:         checkout (open)")) << status.out;
}

// The lane rule of `orch dispatch` (ClaimingLane, projections/lane_rules.h)
// holds for `orch lane open` too: moving to another lane while the current
// one is open takes a reason, which is recorded.
TEST_F(DispatchTest, OpeningALaneWhileAnotherIsOpenNeedsASwitchReason) {
  size_t before = Events();
  RunResult r = w_.Orch({"lane", "open", "refunds"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(
      r.err,
      "orch: cannot open lane refunds: lane checkout is open (the current lane): advance one package at "
      "a time; close or block checkout first, or give --switch-reason\n");
  EXPECT_EQ(Events(), before);

  r = w_.Orch({"lane", "open", "refunds", "--switch-reason", "refunds are due first"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const StoredEvent e = w_.Events().back();
  EXPECT_EQ(e.type, "package-opened");
  EXPECT_EQ(e.payload["switch_reason"], "refunds are due first");
  EXPECT_TRUE(Has(w_.Orch({"status"}).out, "lane:         refunds (open)"));
  // The raw event takes the same flag.
  EXPECT_EQ(
      w_.Orch({"emit", "package-opened", "--package-id", "search", "--switch-reason", "why not"}).exit_code,
      0);
  EXPECT_EQ(w_.Events().back().payload["switch_reason"], "why not");

  // A blocked current lane lets the loop move on without a reason, as a
  // dispatch may.
  ASSERT_EQ(w_.Orch({"lane", "block", "search", "--reason", "no index yet"}).exit_code, 0);
  r = w_.Orch({"lane", "open", "docs"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(DispatchTest, ABlockedLaneLetsTheLoopMoveOnButTakesNoTask) {
  ASSERT_EQ(w_.Orch({"lane", "open", "refunds", "--switch-reason", "refunds are due first"}).exit_code, 0);
  ASSERT_EQ(w_.Orch({"lane", "block", "refunds", "--reason", "waiting for the API contract"}).exit_code, 0);
  RunResult r = Dispatch("T1", {"api/**"}, {}, "refunds");
  ExpectRefused(r, Events(), "lane-blocked");
  EXPECT_TRUE(Has(r.err, "lane refunds is blocked: waiting for the API contract")) << r.err;
  // The current lane is blocked: another open lane needs no switch reason.
  EXPECT_EQ(Dispatch("T1", {"web/**"}, {}, "checkout").exit_code, 0);
}

TEST_F(DispatchTest, ATaskIdInFlightIsNotDispatchedTwice) {
  ASSERT_EQ(Dispatch("T1", {"web/**"}).exit_code, 0);  // pending setup
  RunResult r = Dispatch("T1", {"docs/**"});
  ExpectRefused(r, Events(), "task-in-flight");
  EXPECT_TRUE(Has(r.err, "task T1 is already in flight (pending-setup)")) << r.err;
  const std::string wt = w_.AddWorktree("wt-T1", "task/T1");
  ASSERT_EQ(w_.Orch({"emit", "worktree-ready", "--task", "T1", "--worktree", wt}).exit_code, 0);
  r = Dispatch("T1", {"docs/**"});
  ExpectRefused(r, Events(), "task-in-flight");
  EXPECT_TRUE(Has(r.err, "task T1 is already in flight (active)")) << r.err;
}

TEST_F(DispatchTest, EveryReasonIsListedAtOnceAndTheLogStaysAsItWas) {
  InFlight("T1", {"src/**"});
  ASSERT_EQ(w_.Orch({"lane", "open", "refunds", "--switch-reason", "refunds are due first"}).exit_code, 0);
  ASSERT_EQ(w_.Orch({"emit", "run-mode-changed", "--mode", "paused"}).exit_code, 0);
  const std::vector<StoredEvent> before = w_.Events();
  RunResult r = Dispatch("T1", {"src/api/**"}, {}, "checkout");
  EXPECT_EQ(r.exit_code, 3);
  for (const char* rule : {"[paused]", "[lane-mismatch]", "[task-in-flight]"}) {
    EXPECT_TRUE(Has(r.err, rule)) << rule << " missing: " << r.err;
  }
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  const std::vector<StoredEvent> after = w_.Events();
  ASSERT_EQ(after.size(), before.size());
  EXPECT_EQ(after.back().seq, before.back().seq);
}

TEST_F(DispatchTest, DryRunPrintsTheVerdictAndAppendsNothing) {
  InFlight("T1", {"src/**"});
  const size_t before = Events();
  RunResult r = Dispatch("T2", {"src/api/*.ts"}, {"--dry-run"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Has(r.out, "would refuse T2:")) << r.out;
  r = Dispatch("T2", {"docs/**"}, {"--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "would dispatch T2 into lane checkout (1 slot(s) free)")) << r.out;
  EXPECT_EQ(Events(), before);

  r = Dispatch("T2", {"src/api/*.ts"}, {"--dry-run", "--json"});
  EXPECT_EQ(r.exit_code, 3);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["allowed"], false);
  EXPECT_EQ(j["dry_run"], true);
  ASSERT_EQ(j["blockers"].size(), 1u) << j.dump();
  EXPECT_EQ(j["blockers"][0]["rule"], "write-set-overlap");
  EXPECT_EQ(Events(), before);

  r = Dispatch("T2", {"docs/**"}, {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json ok = nlohmann::json::parse(r.out);
  EXPECT_EQ(ok["allowed"], true);
  EXPECT_EQ(ok["seq"], w_.Events().back().seq);
}

// Before, the raw record appended whatever it was told and only warned.
TEST_F(DispatchTest, EmitDispatchedIsRefusedForTheSameReasonsUnlessObserved) {
  InFlight("T1", {"src/**"});
  // A dispatch the rules allow is recorded without a word.
  RunResult r = w_.Orch({"emit", "dispatched", "--task", "T2", "--title", "fine", "--package-id", "checkout",
                         "--branch", "task/T2", "--allowed", "docs/**"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  // One they refuse is refused, with every reason.
  const std::vector<std::string> raw = {"emit",     "dispatched", "--task",       "T3",
                                        "--title",  "raw",        "--package-id", "checkout",
                                        "--branch", "task/T3",    "--allowed",    "src/api/*.ts"};
  const size_t before = Events();
  r = w_.Orch(raw);
  ExpectRefused(r, before, "write-set-overlap");
  EXPECT_TRUE(
      Has(r.err, "the write set overlaps T1's (active): src/api/*.ts overlaps src/** [write-set-overlap]"))
      << r.err;
  EXPECT_TRUE(Has(r.err, "all 2 slots are busy")) << r.err;
  // --observed records it, the reasons kept as its anomaly.
  std::vector<std::string> observed = raw;
  observed.push_back("--observed");
  r = w_.Orch(observed);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const StoredEvent e = w_.Events().back();
  EXPECT_EQ(e.task, "T3");
  EXPECT_TRUE(Has(e.anomaly, "[write-set-overlap]")) << e.anomaly;
  EXPECT_TRUE(Has(e.anomaly, "[slots-full]")) << e.anomaly;
}

}  // namespace
}  // namespace orch::testing

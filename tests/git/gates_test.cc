// The raw path obeys the verbs' gates (issue 18): `orch emit dispatched`,
// `emit reviewed --verdict accepted`, `emit completed` and `emit cleaned`
// are refused (exit 3, every reason with its rule tag) exactly when the
// verb would refuse; `--observed` records them anyway, as anomalies with
// the tag, on every page and in `orch health`. On real repositories and
// worktrees, directly and through the server.
#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/git/git_world.h"
#include "tests/support/emit_modes.h"

namespace orch::testing {
namespace {

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The "reason [rule]" items of a refusal line "orch: ...: a [x]; b [y] (...)".
std::vector<std::string> Tags(const std::string& err) {
  std::vector<std::string> tags;
  for (size_t at = err.find('['); at != std::string::npos; at = err.find('[', at + 1)) {
    const size_t end = err.find(']', at);
    if (end == std::string::npos) break;
    tags.push_back(err.substr(at + 1, end - at - 1));
  }
  std::sort(tags.begin(), tags.end());
  return tags;
}

class GatesTest : public EmitModeTest {
 protected:
  void SetUp() override {
    EmitModeTest::SetUp();
    w_ = std::make_unique<GitWorld>(false);
    ASSERT_EQ(w_->Orch({"init", "--project-root", w_->repo, "--max-concurrency", "2"}).exit_code, 0);
  }
  GitWorld& w() { return *w_; }
  size_t Events() { return w().Events().size(); }
  RunResult Emit(std::vector<std::string> args) {
    args.insert(args.begin(), "emit");
    return w().Orch(args);
  }
  // Raw dispatch of `task` into lane `package` writing `allowed`.
  RunResult RawDispatch(const std::string& task, const std::string& allowed,
                        std::vector<std::string> extra = {}, const std::string& package = "checkout") {
    std::vector<std::string> args = {"dispatched",   "--task",       task,    "--title",   task,   "--branch",
                                     "task/" + task, "--package-id", package, "--allowed", allowed};
    args.insert(args.end(), extra.begin(), extra.end());
    return Emit(args);
  }
  RunResult VerbDispatch(const std::string& task, const std::string& allowed,
                         const std::string& package = "checkout") {
    return w().Orch({"dispatch", task, "--title", task, "--package", package, "--branch", "task/" + task,
                     "--allowed", allowed});
  }
  // Refused with exit 3 naming `rule`, one line, nothing appended.
  void ExpectRefused(const RunResult& r, size_t before, const std::string& rule) {
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_TRUE(Has(r.err, "[" + rule + "]")) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(Events(), before);
  }
  // A task delivered in its own worktree: dispatched (checked), worktree
  // ready, one commit in its write set, completed.
  std::string Delivered(const std::string& task, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"dispatch", task,       "--title",      task,        "--package",
                                     "checkout", "--branch", "task/" + task, "--allowed", "src/**"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = w().Orch(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string wt = w().AddWorktree("wt-" + task, "task/" + task);
    r = Emit({"worktree-ready", "--task", task, "--worktree", wt, "--branch", "task/" + task});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    w().Commit(wt, {{"src/" + task + ".cc", "int x;\n"}});
    r = Emit({"completed", "--task", task});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return wt;
  }
  // Delivered, inspected, accepted through `orch review` and merged into
  // main (recorded from git); its worktree and branch are still there.
  std::string Merged(const std::string& task) {
    const std::string wt = Delivered(task);
    EXPECT_EQ(w().Orch({"inspect", task}).exit_code, 0);
    EXPECT_EQ(w().Orch({"review", task, "--verdict", "accepted"}).exit_code, 0);
    Git(w().repo, {"merge", "-q", "--no-ff", "-m", "merge " + task, "task/" + task});
    EXPECT_EQ(Emit({"merged", "--task", task, "--from-git"}).exit_code, 0);
    return wt;
  }
  std::unique_ptr<GitWorld> w_;
};

TEST_P(GatesTest, ARawDispatchIsRefusedExactlyWhenTheVerbWouldBe) {
  // No lane open: both refuse, with the same reasons.
  size_t before = Events();
  RunResult verb = VerbDispatch("T1", "web/**");
  RunResult raw = RawDispatch("T1", "web/**");
  ExpectRefused(raw, before, "no-lane");
  EXPECT_EQ(verb.exit_code, 3) << verb.err;
  EXPECT_EQ(Tags(raw.err), Tags(verb.err)) << raw.err << verb.err;

  ASSERT_EQ(w().Orch({"lane", "open", "checkout"}).exit_code, 0);
  ASSERT_EQ(RawDispatch("T1", "web/**").exit_code, 0);
  ASSERT_EQ(RawDispatch("T2", "api/**").exit_code, 0);
  // Past --max-concurrency 2 (pending setups count), and overlapping T1.
  before = Events();
  verb = VerbDispatch("T3", "web/checkout/**");
  raw = RawDispatch("T3", "web/checkout/**");
  ExpectRefused(raw, before, "slots-full");
  EXPECT_TRUE(Has(raw.err, "[write-set-overlap]")) << raw.err;
  EXPECT_EQ(Tags(raw.err), Tags(verb.err)) << raw.err << verb.err;
  RunResult status = w().Orch({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_TRUE(Has(status.out, "2 of 2")) << status.out;
  EXPECT_FALSE(Has(status.out, "3 of 2")) << status.out;
}

TEST_P(GatesTest, ObservedRecordsTheRefusedStepAsAnAnomalyWithItsRuleOnEveryPage) {
  RunResult r = RawDispatch("T1", "web/**", {"--observed"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.err, "recorded as an anomaly")) << r.err;
  EXPECT_TRUE(Has(r.err, "[no-lane]")) << r.err;
  const StoredEvent e = w().Events().back();
  EXPECT_EQ(e.type, "dispatched");
  EXPECT_TRUE(e.observed);
  EXPECT_TRUE(Has(e.anomaly, "[no-lane]")) << e.anomaly;
  for (const std::vector<std::string>& page : {std::vector<std::string>{"status", "--format", "md"},
                                               {"status", "--format", "json"},
                                               {"status", "--format", "html"},
                                               {"health"}}) {
    RunResult p = w().Orch(page);
    EXPECT_TRUE(p.exit_code == 0 || page[0] == "health") << page[0] << ": " << p.err;
    EXPECT_TRUE(Has(p.out, "no-lane")) << page[0] << " " << page.back() << " does not show the rule:\n"
                                       << p.out;
  }
}

TEST_P(GatesTest, ASelfReviewPathOutsideTheWriteSetIsRefused) {
  ASSERT_EQ(w().Orch({"lane", "open", "checkout"}).exit_code, 0);
  size_t before = Events();
  RunResult raw = RawDispatch("T7", "web/checkout/**", {"--self-review-path", "docs/review-t7.md"});
  ExpectRefused(raw, before, "self-review-outside-write-set");
  RunResult verb = w().Orch({"dispatch", "T7", "--title", "t", "--package", "checkout", "--branch", "task/t7",
                             "--allowed", "web/checkout/**", "--self-review", "docs/review-t7.md"});
  EXPECT_EQ(verb.exit_code, 3);
  EXPECT_TRUE(Has(verb.err, "[self-review-outside-write-set]")) << verb.err;
  ASSERT_EQ(
      RawDispatch("T7", "web/checkout/**", {"--self-review-path", "web/checkout/REVIEW-t7.md"}).exit_code, 0);
  ASSERT_EQ(Emit({"worktree-ready", "--task", "T7", "--worktree", w().Path("wt7"), "--branch", "task/T7"})
                .exit_code,
            0);
  before = Events();
  ExpectRefused(Emit({"completed", "--task", "T7", "--self-review-path", "notes/t7.md"}), before,
                "self-review-outside-write-set");
}

TEST_P(GatesTest, ARawAcceptanceIsRefusedWhileARequiredGateNeverRan) {
  ASSERT_EQ(w().Orch({"lane", "open", "checkout"}).exit_code, 0);
  Delivered("T1", {"--gate", "make test"});
  ASSERT_EQ(w().Orch({"inspect", "T1"}).exit_code, 0);
  size_t before = Events();
  RunResult raw = Emit({"reviewed", "--task", "T1", "--verdict", "accepted"});
  ExpectRefused(raw, before, "review-gate");
  EXPECT_TRUE(Has(raw.err, "required gate 'make test' has no passing result (never run)")) << raw.err;
  RunResult verb = w().Orch({"review", "T1", "--verdict", "accepted"});
  EXPECT_EQ(verb.exit_code, 3);
  EXPECT_TRUE(Has(verb.err, "required gate 'make test' has no passing result")) << verb.err;
  // An overclaim is refused too; a rejection never is.
  ASSERT_EQ(Emit({"gate", "--task", "T1", "--command", "make test", "--result", "pass", "--label", "local"})
                .exit_code,
            0);
  before = Events();
  RunResult over = Emit({"reviewed", "--task", "T1", "--verdict", "accepted", "--evidence", "direct"});
  EXPECT_EQ(over.exit_code, 3) << over.err;  // the lifecycle's overclaim rule says it first
  EXPECT_TRUE(Has(over.err, "overclaims")) << over.err;
  EXPECT_EQ(Events(), before);
  RunResult ok = Emit({"reviewed", "--task", "T1", "--verdict", "accepted", "--evidence", "local"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST_P(GatesTest, AcceptanceIsRefusedWhileTheLatestInspectionSaysNotReviewable) {
  ASSERT_EQ(w().Orch({"lane", "open", "checkout"}).exit_code, 0);
  const std::string wt = Delivered("T1");
  WriteFile(wt + "/src/scratch.txt", "not committed\n");  // dirt: not reviewable
  RunResult inspect = w().Orch({"inspect", "T1"});
  ASSERT_EQ(inspect.exit_code, 5) << inspect.out << inspect.err;
  size_t before = Events();
  RunResult verb = w().Orch({"review", "T1", "--verdict", "accepted"});
  EXPECT_EQ(verb.exit_code, 3) << verb.out << verb.err;
  EXPECT_TRUE(Has(verb.err, "says not reviewable")) << verb.err;
  ExpectRefused(Emit({"reviewed", "--task", "T1", "--verdict", "accepted"}), before, "review-gate");
  RunResult overridden =
      w().Orch({"review", "T1", "--verdict", "accepted", "--override", "scratch file only"});
  EXPECT_EQ(overridden.exit_code, 0) << overridden.out << overridden.err;
}

TEST_P(GatesTest, ACleanUpIsCheckedAgainstGit) {
  ASSERT_EQ(w().Orch({"lane", "open", "checkout"}).exit_code, 0);
  Merged("T1");
  // The worktree and the branch are still there.
  size_t before = Events();
  RunResult r = Emit({"cleaned", "--task", "T1", "--worktree-removed", "--branch-deleted"});
  ExpectRefused(r, before, "cleanup-unproven");
  EXPECT_TRUE(Has(r.err, "still exists")) << r.err;
  // Recorded anyway when observed.
  RunResult observed = Emit({"cleaned", "--task", "T1", "--worktree-removed", "--observed"});
  EXPECT_EQ(observed.exit_code, 0) << observed.err;
  EXPECT_TRUE(Has(w().Events().back().anomaly, "[cleanup-unproven]"));
}

TEST_P(GatesTest, ACleanUpPassesOnceTheWorktreeIsGoneAndTheBranchIsMerged) {
  ASSERT_EQ(w().Orch({"lane", "open", "checkout"}).exit_code, 0);
  const std::string wt = Merged("T1");
  Git(w().repo, {"worktree", "remove", wt});
  // The branch is still there but contained in main: nothing would be lost.
  RunResult r = Emit({"cleaned", "--task", "T1", "--worktree-removed"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(w().Events().back().anomaly, "");
}

// Gates are judged at the event's own time, so a night made through the
// verbs copies into a new store with `replay --format jsonl | emit --jsonl -`.
TEST_P(GatesTest, ANightMadeThroughTheVerbsReplaysIntoANewStore) {
  ASSERT_EQ(w().Orch({"lane", "open", "checkout"}).exit_code, 0);
  const std::string wt = Delivered("T1", {"--gate", "make test"});
  ASSERT_EQ(Emit({"gate", "--task", "T1", "--command", "make test", "--result", "pass", "--label", "local"})
                .exit_code,
            0);
  ASSERT_EQ(w().Orch({"inspect", "T1"}).exit_code, 0);
  ASSERT_EQ(w().Orch({"review", "T1", "--verdict", "accepted", "--evidence", "local"}).exit_code, 0);
  Git(w().repo, {"merge", "-q", "--no-ff", "-m", "merge T1", "task/T1"});
  ASSERT_EQ(Emit({"merged", "--task", "T1", "--from-git"}).exit_code, 0);
  Git(w().repo, {"worktree", "remove", wt});
  Git(w().repo, {"branch", "-D", "task/T1"});
  ASSERT_EQ(Emit({"cleaned", "--task", "T1", "--worktree-removed", "--branch-deleted"}).exit_code, 0);
  ASSERT_EQ(VerbDispatch("T2", "src/**").exit_code, 0);
  RunResult replay = w().Orch({"replay", "--format", "jsonl"});
  ASSERT_EQ(replay.exit_code, 0);
  const std::string copy = w().Path("copy");
  RunResult emitted = orch::testing::Orch(copy, {"emit", "--jsonl", "-"}, replay.out);
  ASSERT_EQ(emitted.exit_code, 0) << emitted.err;
  RunResult copied = orch::testing::Orch(copy, {"replay", "--format", "jsonl"});
  EXPECT_EQ(copied.out, replay.out);
}

// `orch lane`'s rules hold for the raw lane events too.
TEST_P(GatesTest, RawLaneEventsObeyTheLaneRules) {
  ASSERT_EQ(Emit({"package-opened", "--package-id", "checkout"}).exit_code, 0);
  size_t before = Events();
  // Another lane while checkout is open: a switch reason, as the verb asks.
  RunResult r = Emit({"package-opened", "--package-id", "search"});
  ExpectRefused(r, before, "lane");
  RunResult verb = w().Orch({"lane", "open", "search"});
  EXPECT_EQ(verb.exit_code, 3) << verb.err;
  // Closing a lane with unfinished work, and opening an open one.
  ASSERT_EQ(RawDispatch("T1", "web/**").exit_code, 0);
  before = Events();
  ExpectRefused(Emit({"package-closed", "--package-id", "checkout"}), before, "lane");
  ExpectRefused(Emit({"package-opened", "--package-id", "checkout"}), before, "lane");
  EXPECT_EQ(Emit({"package-opened", "--package-id", "search", "--switch-reason", "hotfix first"}).exit_code,
            0);
  RunResult observed = Emit({"package-closed", "--package-id", "checkout", "--observed"});
  EXPECT_EQ(observed.exit_code, 0) << observed.err;
  EXPECT_TRUE(Has(w().Events().back().anomaly, "[lane]"));
}

// One rule, one reason: a lane step `orch lane` refuses is refused to a
// raw `orch emit` of the same event for the same reason (lane_rules.h
// LaneStepRefusals, judged by the append guard), with its [lane] tag.
TEST_P(GatesTest, ARawLaneStepIsRefusedForTheVerbsReason) {
  ASSERT_EQ(w().Orch({"lane", "open", "checkout"}).exit_code, 0);
  ASSERT_EQ(RawDispatch("T1", "web/**").exit_code, 0);
  const size_t before = Events();
  struct Step {
    std::vector<std::string> verb, raw;
    std::string what;
  };
  const std::vector<Step> steps = {
      {{"lane", "close", "checkout"},
       {"package-closed", "--package-id", "checkout"},
       "cannot close lane checkout"},
      {{"lane", "open", "search"}, {"package-opened", "--package-id", "search"}, "cannot open lane search"},
      {{"lane", "open", "checkout"},
       {"package-opened", "--package-id", "checkout"},
       "cannot open lane checkout"},
  };
  for (const Step& step : steps) {
    const RunResult verb = w().Orch(step.verb);
    EXPECT_EQ(verb.exit_code, 3) << verb.err;
    const std::string prefix = "orch: " + step.what + ": ";
    ASSERT_EQ(verb.err.rfind(prefix, 0), 0u) << verb.err;
    const std::string reason = verb.err.substr(prefix.size(), verb.err.size() - prefix.size() - 1);
    ASSERT_FALSE(reason.empty());
    const RunResult raw = Emit(step.raw);
    ExpectRefused(raw, before, "lane");
    EXPECT_TRUE(Has(raw.err, reason + " [lane]")) << "verb: " << verb.err << "raw:  " << raw.err;
  }
}

ORCH_BOTH_EMIT_MODES(GatesTest);

}  // namespace
}  // namespace orch::testing

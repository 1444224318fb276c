// The named task rules, against expectations written out here state by
// state, and the places that used to decide them on their own: where the
// old copies disagreed, these tests pin the rule that was kept.
#include "projections/task_rules.h"

#include <map>
#include <set>

#include "base/time_text.h"
#include "gtest/gtest.h"
#include "projections/model_loader.h"
#include "projections/next_action.h"
#include "projections/projection_test_log.h"
#include "projections/render/context_markdown.h"
#include "projections/render/ledger_json.h"
#include "projections/status_view.h"

namespace orch {
namespace {

using S = TaskState;

std::vector<S> AllStates() {
  std::vector<S> out;
  for (int i = 0; i <= static_cast<int>(kLastTaskState); ++i) out.push_back(static_cast<S>(i));
  return out;
}

TEST(TaskRulesTest, InFlightIsExactlyPendingSetupActiveAndStale) {
  const std::set<S> in_flight = {S::kPendingSetup, S::kActive, S::kStaleNeedsInspection};
  for (S s : AllStates()) {
    TaskFacts f;
    f.state = s;
    EXPECT_EQ(IsInFlight(f), in_flight.count(s) == 1) << TaskStateName(s);
  }
}

TEST(TaskRulesTest, DirtCountsWhileAWorkerRunsOrSaysItIsDone) {
  const std::set<S> counts = {S::kActive, S::kStaleNeedsInspection, S::kCompletedUnreviewed, S::kReviewing};
  for (S s : AllStates()) EXPECT_EQ(DirtCounts(s), counts.count(s) == 1) << TaskStateName(s);
}

TEST(TaskRulesTest, AProjectPushMovesOnlyMergedTasks) {
  for (S s : AllStates()) {
    TaskFacts f;
    f.state = s;
    EXPECT_EQ(MovedByProjectPush(f), s == S::kMerged) << TaskStateName(s);
  }
}

TEST(TaskRulesTest, ALabelIsBackedUpToTheStrongestPassingGate) {
  TaskFacts f;
  EXPECT_FALSE(Backs(f, "blocked")) << "no gate passed: nothing is backed";
  f.strongest_passing_gate = 3;  // local
  EXPECT_TRUE(Backs(f, "blocked"));
  EXPECT_TRUE(Backs(f, "static"));
  EXPECT_TRUE(Backs(f, "local"));
  EXPECT_FALSE(Backs(f, "proxy"));
  EXPECT_FALSE(Backs(f, "prod"));
  EXPECT_FALSE(Backs(f, "")) << "no label claims nothing, so it backs nothing";
  // commands/review.cc counted a label off the ladder as backed (its rank
  // -1 is below any gate); it is never backed.
  EXPECT_FALSE(Backs(f, "bogus"));
}

TaskModel Task(S s) {
  TaskModel t;
  t.id = "T1";
  t.facts.state = s;
  return t;
}

TEST(TaskRulesTest, NeedsAHumanWhenBlockedForOneDirtyWhileWorkedOnOrForbiddenPathsTouched) {
  TaskModel blocked = Task(S::kBlocked);
  blocked.blocked_reason = "which API?";
  EXPECT_FALSE(NeedsHuman(blocked)) << "blocked without asking for a person: the loop unblocks it";
  blocked.needs_human = true;
  EXPECT_EQ(NeedsHumanReasons(blocked), std::vector<std::string>{"which API?"});

  for (S s : AllStates()) {
    TaskModel dirty = Task(s);
    dirty.dirt = "unstaged a.txt";
    dirty.dirty_at = *ParseRfc3339("2026-11-25T01:00:00Z");
    EXPECT_EQ(NeedsHuman(dirty), DirtCounts(s)) << TaskStateName(s);
  }
  TaskModel dirty = Task(S::kCompletedUnreviewed);
  dirty.dirt = "unstaged a.txt";
  dirty.dirty_at = *ParseRfc3339("2026-11-25T01:00:00Z");
  EXPECT_EQ(NeedsHumanReasons(dirty),
            std::vector<std::string>{
                "dirty worktree: uncommitted changes (seen 2026-11-25T01:00:00Z): unstaged a.txt"});

  TaskModel forbidden = Task(S::kAccepted);
  forbidden.facts.has_inspection = true;
  forbidden.facts.inspection.forbidden_touched = {"infra/prod.tf"};
  EXPECT_EQ(NeedsHumanReasons(forbidden), std::vector<std::string>{"touched forbidden paths: infra/prod.tf"});
  forbidden.facts.state = S::kCleaned;
  EXPECT_FALSE(NeedsHuman(forbidden)) << "a finished task asks for nobody";
}

TEST(TaskRulesTest, TheNextStepOfEachState) {
  ProjectModel m;
  m.settings.push_policy = "manual";
  // state -> {waits for, follow-up (the loop's own step)}
  const std::map<S, std::pair<std::string, std::string>> expected = {
      {S::kUnknown, {"nothing", ""}},
      {S::kPendingSetup, {"setup (worktree-ready)", ""}},
      {S::kActive, {"the worker (a commit, then completed)", ""}},
      {S::kCompletedUnreviewed, {"review", ""}},
      {S::kReviewing, {"the review's verdict", ""}},
      {S::kAccepted, {"merge", "merge"}},
      {S::kMerged, {"push", "push"}},
      {S::kPushed, {"clean-up", "clean up"}},
      {S::kCleaned, {"nothing", ""}},
      {S::kRejected, {"redo or abandon", "redo or abandon"}},
      {S::kBlocked, {"unblock", ""}},
      {S::kStaleNeedsInspection, {"inspection", "inspect"}},
      {S::kCleanupNeeded, {"clean-up", "clean up"}},
      {S::kAbandoned, {"nothing", ""}},
  };
  ASSERT_EQ(expected.size(), AllStates().size());
  for (const auto& [state, step] : expected) {
    const NextStep n = NextStepFor(Task(state), m);
    EXPECT_EQ(n.waits_for, step.first) << TaskStateName(state);
    EXPECT_EQ(n.follow_up, step.second) << TaskStateName(state);
  }
  m.settings.push_policy = "never";
  EXPECT_EQ(NextStepFor(Task(S::kMerged), m).follow_up, "clean up");
  EXPECT_EQ(NextStepFor(Task(S::kMerged), m).waits_for, "clean-up");
  m.integration_dirty = true;
  EXPECT_EQ(NextStepFor(Task(S::kAccepted), m).because, "accepted; once the integration checkout is clean");
}

// The pages against one log: each asks the named rule, so they agree.
std::string At(int minute) {
  return FormatRfc3339(*ParseRfc3339("2026-11-25T00:00:00Z") + int64_t{minute} * 60 * 1'000'000'000);
}

class TaskRulesOnALogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_.Emit({{"type", "project-initialized"}, {"at", At(0)}, {"max_concurrency", 2}});
    log_.Emit({{"type", "package-opened"}, {"at", At(0)}, {"package_id", "a"}});
    log_.Emit({{"type", "dispatched"}, {"task", "T1"}, {"at", At(1)}, {"package_id", "a"}});
    log_.Emit({{"type", "worktree-ready"}, {"task", "T1"}, {"at", At(2)}, {"worktree", "/w/t1"}});
  }
  ProjectModel Model() {
    auto m = LoadProjectModel(log_.store(), LoadOptions{});
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *m : ProjectModel{};
  }
  TestLog log_;
};

// status_view listed a dirty worktree of a running task under "needs a
// human" while the ledger's needsHuman said false (it only knew blocked
// tasks) and `orch context` did not name it: all three follow NeedsHuman.
TEST_F(TaskRulesOnALogTest, StatusLedgerAndContextAgreeOnADirtyWorktree) {
  log_.Emit({{"type", "drift-detected"},
             {"task", "T1"},
             {"at", At(3)},
             {"claim", "observed"},
             {"kind", "worktree-dirty"},
             {"git_shows", "unstaged a.txt"}});
  const ProjectModel m = Model();
  const StatusView v = BuildStatusView(m, *ParseRfc3339(At(4)), 0);
  bool on_status = false;
  for (const Attention& a : v.needs_human) on_status = on_status || a.subject == "T1";
  EXPECT_TRUE(on_status);
  const auto ledger = nlohmann::ordered_json::parse(RenderLedgerJson(m));
  bool in_ledger = false;
  for (const auto& t : ledger["tasks"]) {
    if (t["id"] == "T1") in_ledger = t["needsHuman"].get<bool>();
  }
  EXPECT_TRUE(in_ledger) << ledger["tasks"].dump(1);
  const std::string context = RenderContextMarkdown(m, *ParseRfc3339(At(4)));
  EXPECT_NE(context.find("T1 needs a human: dirty worktree"), std::string::npos) << context;
}

// The project fold noted "claimed 'local': not backed" when a stronger
// gate (direct) had passed: it compared the claim with the labels of the
// gates that passed, not with the ladder. A direct gate backs a local claim.
TEST_F(TaskRulesOnALogTest, AClaimWeakerThanAPassingGateIsBacked) {
  log_.Emit({{"type", "gate"},
             {"task", "T1"},
             {"at", At(3)},
             {"command", "e2e"},
             {"result", "pass"},
             {"label", "direct"}});
  log_.Emit({{"type", "completed"}, {"task", "T1"}, {"at", At(4)}, {"evidence", "local"}});
  log_.Emit({{"type", "completed"}, {"task", "T1"}, {"at", At(5)}, {"evidence", "pre"}});
  const ProjectModel m = Model();
  const TaskModel* t = m.FindTask("T1");
  ASSERT_NE(t, nullptr);
  std::vector<std::string> claims;
  for (const std::string& n : t->evidence_notes) {
    if (n.rfind("claimed", 0) == 0) claims.push_back(n.substr(0, n.find(' ', 8)));
  }
  EXPECT_EQ(claims, std::vector<std::string>{"claimed 'pre'"});
}

TEST_F(TaskRulesOnALogTest, TheFollowUpsOfTheNextActionAreTheNextSteps) {
  log_.Emit({{"type", "completed"}, {"task", "T1"}, {"at", At(3)}});
  log_.Emit({{"type", "reviewed"}, {"task", "T1"}, {"at", At(4)}, {"verdict", "accepted"}});
  ProjectModel m = Model();
  EXPECT_EQ(DecideNextAction(m, *ParseRfc3339(At(5))).also, std::vector<std::string>{"merge T1 (accepted)"});
  log_.Emit({{"type", "merged"}, {"task", "T1"}, {"at", At(6)}, {"merge_commit", "abc"}});
  m = Model();
  EXPECT_EQ(DecideNextAction(m, *ParseRfc3339(At(7))).also,
            std::vector<std::string>{"push T1 (merged, not pushed)"});
  EXPECT_NE(RenderContextMarkdown(m, *ParseRfc3339(At(7))).find("waits for push"), std::string::npos);
}

}  // namespace
}  // namespace orch

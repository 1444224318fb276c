// The next action: "slots available is capacity, not permission".
#include "projections/status_view.h"

#include "base/time_text.h"
#include "gtest/gtest.h"
#include "projections/model_loader.h"
#include "projections/projection_test_log.h"
#include "projections/render/html_escape.h"
#include "projections/render/status_html.h"
#include "projections/render/status_markdown.h"

namespace orch {
namespace {

std::string At(int minute) {
  return FormatRfc3339(*ParseRfc3339("2026-11-25T00:00:00Z") + int64_t{minute} * 60 * 1'000'000'000);
}

class NextActionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_.Emit({{"type", "project-initialized"}, {"at", At(0)}, {"max_concurrency", 2}});
    log_.Emit({{"type", "package-opened"}, {"at", At(0)}, {"package_id", "a"}});
  }
  void Dispatch(const std::string& task, const std::vector<std::string>& allowed) {
    log_.Emit({{"type", "dispatched"}, {"task", task}, {"at", At(1)}, {"allowed", allowed}});
    log_.Emit({{"type", "worktree-ready"}, {"task", task}, {"at", At(2)}});
  }
  NextAction Next() {
    auto m = LoadProjectModel(log_.store(), LoadOptions{});
    EXPECT_TRUE(m.ok());
    return BuildStatusView(*m, *ParseRfc3339(At(60)), *ParseRfc3339(At(0))).next;
  }
  TestLog log_;
};

TEST_F(NextActionTest, ContinuesWhenLaneModeSlotsAndWriteSetsAllow) {
  Dispatch("T1", {"src/a/**"});
  const NextAction n = Next();
  EXPECT_EQ(n.action, "continue");
  EXPECT_NE(n.reason.find("1 of 2 slots free"), std::string::npos) << n.reason;
  EXPECT_NE(n.reason.find("src/a/** (T1)"), std::string::npos) << n.reason;
}

TEST_F(NextActionTest, WaitsWhenAllSlotsAreBusy) {
  Dispatch("T1", {"src/a/**"});
  Dispatch("T2", {"src/b/**"});
  EXPECT_EQ(Next().action, "wait");
}

TEST_F(NextActionTest, FreeSlotIsNotPermissionWhenAWriteSetIsUnbounded) {
  Dispatch("T1", {"**"});
  const NextAction n = Next();
  EXPECT_EQ(n.action, "wait");
  EXPECT_NE(n.reason.find("T1 may write anywhere"), std::string::npos) << n.reason;
}

TEST_F(NextActionTest, StopsDispatchingWhenPausedOrTheLaneIsBlocked) {
  log_.Emit({{"type", "run-mode-changed"}, {"at", At(3)}, {"mode", "paused"}});
  EXPECT_EQ(Next().action, "stop-dispatching");
  log_.Emit({{"type", "run-mode-changed"}, {"at", At(4)}, {"mode", "active"}});
  EXPECT_EQ(Next().action, "continue");
  log_.Emit({{"type", "package-blocked"}, {"at", At(5)}, {"package_id", "a"}, {"reason", "API down"}});
  EXPECT_EQ(Next().action, "stop-dispatching");
}

TEST_F(NextActionTest, ReviewsComeFirstAndOpenReviewsHoldDispatch) {
  Dispatch("T1", {"src/a/**"});
  log_.Emit({{"type", "completed"}, {"task", "T1"}, {"at", At(5)}});
  EXPECT_EQ(Next().action, "review");
  log_.Emit({{"type", "review-started"}, {"task", "T1"}, {"at", At(6)}});
  EXPECT_EQ(Next().action, "wait");
}

TEST_F(NextActionTest, TheGateForOneTaskAddsItsOwnRulesToTheProjectRules) {
  Dispatch("T1", {"src/**"});
  auto m = LoadProjectModel(log_.store(), LoadOptions{});
  ASSERT_TRUE(m.ok());
  const int64_t now = *ParseRfc3339(At(60));
  ASSERT_TRUE(MayDispatch(*m, now).allowed);
  // Disjoint, in the current lane: the same verdict as the project's.
  EXPECT_TRUE(MayDispatch(*m, now, DispatchRequest{"T2", "a", {"docs/**"}, ""}).allowed);
  // Overlapping: refused for this task only; `orch next` still continues.
  const DispatchGate g = MayDispatch(*m, now, DispatchRequest{"T2", "a", {"src/api/*.ts"}, ""});
  ASSERT_EQ(g.blockers.size(), 1u);
  EXPECT_EQ(g.blockers[0].rule, "write-set-overlap");
  EXPECT_EQ(DecideNextAction(*m, now).action, "continue");
  // The same id again, and a package never opened.
  const DispatchGate again = MayDispatch(*m, now, DispatchRequest{"T1", "b", {"docs/**"}, ""});
  ASSERT_EQ(again.blockers.size(), 2u);
  EXPECT_EQ(again.blockers[0].rule, "no-lane");
  EXPECT_EQ(again.blockers[1].rule, "task-in-flight");
}

TEST_F(NextActionTest, ADispatchWithASwitchReasonMakesItsLaneCurrent) {
  log_.Emit({{"type", "package-opened"}, {"at", At(1)}, {"package_id", "b"}});  // current: b
  log_.Emit({{"type", "dispatched"},
             {"task", "T1"},
             {"at", At(2)},
             {"package_id", "a"},
             {"package_switch_reason", "hotfix"}});
  auto m = LoadProjectModel(log_.store(), LoadOptions{});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->current_lane, "a");
  ASSERT_FALSE(m->lane_changes.empty());
  EXPECT_EQ(m->lane_changes.back().what, "switched");
  // Without a reason a dispatch leaves the lane alone.
  log_.Emit({{"type", "dispatched"}, {"task", "T2"}, {"at", At(3)}, {"package_id", "b"}});
  m = LoadProjectModel(log_.store(), LoadOptions{});
  EXPECT_EQ(m->current_lane, "a");
}

TEST_F(NextActionTest, DrainingWaitsForWorkInFlightThenStops) {
  Dispatch("T1", {"src/a/**"});
  log_.Emit({{"type", "run-mode-changed"}, {"at", At(3)}, {"mode", "draining"}});
  EXPECT_EQ(Next().action, "wait");
  log_.Emit({{"type", "abandoned"}, {"task", "T1"}, {"at", At(4)}});
  EXPECT_EQ(Next().action, "stop-dispatching");
}

TEST(Escaping, HtmlAndMarkdownNeutraliseMarkup) {
  EXPECT_EQ(HtmlEscape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  EXPECT_EQ(MarkdownEscape("a|b <i>*x*</i>\nc"), "a\\|b \\<i\\>\\*x\\*\\</i\\>\\\\nc");
}

// Control characters are shown, never passed on: in Markdown the visible
// form's backslash is itself escaped so it renders as "\x1b".
TEST(Escaping, ControlCharactersBecomeVisible) {
  EXPECT_EQ(MarkdownEscape("t\x1b]0;pwned\x07"), "t\\\\x1b\\]0;pwned\\\\x07");
  EXPECT_EQ(MarkdownEscape("a\r\n#99 fake"), "a\\\\r\\\\n\\#99 fake");
  EXPECT_EQ(HtmlEscape("t\x1b[2J\n<b>"), "t\\x1b[2J\\n&lt;b&gt;");
  EXPECT_EQ(HtmlEscape("\xe2\x80\xae"
                       "evil"),
            "\\u202eevil");
}

// A value that starts a line must not open a block there.
TEST(Escaping, MarkdownValueCannotOpenABlock) {
  EXPECT_EQ(MarkdownEscape("- fake item"), "\\- fake item");
  EXPECT_EQ(MarkdownEscape("+ x"), "\\+ x");
  EXPECT_EQ(MarkdownEscape("==="), "\\===");
  EXPECT_EQ(MarkdownEscape("12. step"), "12\\. step");
  EXPECT_EQ(MarkdownEscape("3) step"), "3\\) step");
  EXPECT_EQ(MarkdownEscape("    code"), "&#32;   code");
  EXPECT_EQ(MarkdownEscape("~~~"), "\\~\\~\\~");
  EXPECT_EQ(MarkdownEscape("a - b 1. c"), "a - b 1. c");  // only at the start
  EXPECT_EQ(MarkdownEscape("&lt;"), "\\&lt;");
}

TEST(StatusHtml, OverdueHeartbeatNeedsAHuman) {
  TestLog log;
  log.Emit({{"type", "heartbeat"}, {"at", At(0)}, {"next_expected_at", At(30)}});
  auto m = LoadProjectModel(log.store(), LoadOptions{});
  ASSERT_TRUE(m.ok());
  const StatusView v = BuildStatusView(*m, *ParseRfc3339(At(45)), *ParseRfc3339(At(0)));
  EXPECT_TRUE(v.heartbeat_overdue);
  EXPECT_EQ(v.overdue_seconds, 15 * 60);
  ASSERT_FALSE(v.needs_human.empty());
  EXPECT_EQ(v.needs_human[0].subject, "loop");
  EXPECT_NE(RenderStatusHtml(*m, v).find("overdue by 15m00s"), std::string::npos);
}

}  // namespace
}  // namespace orch

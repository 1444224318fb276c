// `orch next`: the verdict, its rule and its reason for one small event
// log per situation (docs/status.md, "The next action"), and the status
// pages showing the very same verdict.
#include <cstdio>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

using nlohmann::json;

std::string At(int minutes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2026-11-25T%02d:%02d:00Z", minutes / 60, minutes % 60);
  return buf;
}

json Ev(const std::string& type, int minute, json payload, const std::string& task = "") {
  json e = {{"type", type}, {"at", At(minute)}, {"payload", std::move(payload)}};
  if (!task.empty()) e["task"] = task;
  return e;
}

// The lane P1 open, a heartbeat at 00:00 announcing 00:05: the loop is
// awake at 00:03 unless a case says otherwise.
std::vector<json> Base() {
  return {Ev("project-initialized", 0, {{"default_branch", "main"}, {"max_concurrency", 2}}),
          Ev("package-opened", 0, {{"package_id", "P1"}, {"title", "Checkout"}}),
          Ev("heartbeat", 0, {{"source", "cron"}, {"next_expected_at", At(5)}})};
}

json Dispatch(const std::string& task, int minute, json extra = json::object()) {
  json p = {{"title", "work " + task},
            {"branch", "task/" + task},
            {"package_id", "P1"},
            {"allowed", {task + "/**"}}};
  p.update(extra);
  // Observed: a situation is a state, whatever dispatch rule reaching it
  // broke (a task dispatched beside a stale one); the rule's anomaly does
  // not change the verdict.
  json e = Ev("dispatched", minute, p, task);
  e["claim"] = "observed";
  return e;
}

json Ready(const std::string& task, int minute) {
  return Ev("worktree-ready", minute, {{"worktree", "/wt/" + task}, {"branch", "task/" + task}}, task);
}

struct Situation {
  std::string name;
  std::vector<json> events;          // after Base()
  int now = 3;                       // minutes past midnight
  std::string action, rule, reason;  // reason: a part of it
};

std::vector<Situation> Situations() {
  return {
      {"lane open, nothing running", {}, 3, "continue", "continue", "2 of 2 slots free"},
      {"one task running within its write set",
       {Dispatch("T1", 1), Ready("T1", 1)},
       3,
       "continue",
       "continue",
       "avoids T1/** (T1)"},
      {"no lane",
       {Ev("package-closed", 1, {{"package_id", "P1"}})},
       3,
       "stop-dispatching",
       "no-lane",
       "no feature lane is open"},
      {"completed work waits for review",
       {Dispatch("T1", 1), Ready("T1", 1), Ev("completed", 2, json::object(), "T1")},
       3,
       "review",
       "review-ready",
       "await review (T1)"},
      {"paused",
       {Ev("run-mode-changed", 1, {{"mode", "paused"}, {"reason", "holiday"}})},
       3,
       "stop-dispatching",
       "paused",
       "run mode is paused: holiday"},
      {"draining with work in flight",
       {Dispatch("T1", 1), Ready("T1", 1), Ev("run-mode-changed", 2, {{"mode", "draining"}})},
       3,
       "wait",
       "draining",
       "let 1 task(s) in flight finish (T1)"},
      {"draining with nothing in flight",
       {Ev("run-mode-changed", 2, {{"mode", "draining"}})},
       3,
       "stop-dispatching",
       "draining",
       "the loop can stop"},
      {"a review is open",
       {Dispatch("T1", 1), Ready("T1", 1), Ev("completed", 2, json::object(), "T1"),
        Ev("review-started", 2, {{"reviewer", "lead"}}, "T1")},
       3,
       "wait",
       "review-open",
       "review of T1 is open"},
      {"lane blocked",
       {Ev("package-blocked", 1, {{"package_id", "P1"}, {"reason", "needs API keys"}})},
       3,
       "stop-dispatching",
       "lane-blocked",
       "lane P1 is blocked: needs API keys"},
      {"slots full",
       {Dispatch("T1", 1), Ready("T1", 1), Dispatch("T2", 1), Ready("T2", 1)},
       3,
       "wait",
       "slots-full",
       "all 2 slots are busy"},
      {"a task may write anywhere",
       {Dispatch("T1", 1, {{"allowed", json::array()}}), Ready("T1", 1)},
       3,
       "wait",
       "wide-write-set",
       "T1 may write anywhere"},
      {"heartbeat overdue", {}, 30, "inspect", "heartbeat-overdue", "heartbeat overdue by 25m"},
      {"overdue heartbeat is said before a review",
       {Dispatch("T1", 1), Ready("T1", 1), Ev("completed", 2, json::object(), "T1")},
       40,
       "inspect",
       "heartbeat-overdue",
       "heartbeat overdue by 35m"},
      {"missed wake-up not acknowledged",
       {Ev("heartbeat-missed", 2, {{"expected_at", At(5)}, {"gap_seconds", 300}})},
       3,
       "inspect",
       "heartbeat-overdue",
       "1 missed wake-up(s) since the last heartbeat"},
      {"stale worker before review",
       {Dispatch("T1", 1), Ready("T1", 1),
        Ev("stale-detected", 2, {{"idle_seconds", 3600}, {"suggested_action", "abandon or re-dispatch"}},
           "T1"),
        Dispatch("T2", 1), Ready("T2", 1), Ev("completed", 2, json::object(), "T2")},
       3,
       "inspect",
       "stale-worker",
       "T1 is stale (idle 1h00m): abandon or re-dispatch"},
      {"worker past its runtime budget",
       {Dispatch("T1", 1, {{"runtime_budget_minutes", 30}}), Ready("T1", 1),
        Ev("heartbeat", 60, {{"source", "cron"}, {"next_expected_at", At(65)}})},
       62,
       "inspect",
       "stale-worker",
       "T1 is 31m00s past its 30m00s runtime budget"},
      {"review past its budget",
       {Dispatch("T1", 1, {{"review_budget_minutes", 20}}), Ready("T1", 1),
        Ev("completed", 2, json::object(), "T1"),
        Ev("heartbeat", 60, {{"source", "cron"}, {"next_expected_at", At(65)}})},
       62,
       "review",
       "review-ready",
       "review of T1 is 40m00s past its 20m00s review budget"},
      {"dirty integration checkout",
       {Ev("drift-detected", 1,
           {{"kind", "integration-dirty"},
            {"log_says", "the integration checkout is expected clean"},
            {"git_shows", "checkout /r: untracked x.txt"}})},
       3,
       "inspect",
       "integration-dirty",
       "the integration checkout is dirty (checkout /r: untracked x.txt)"},
      {"integration checkout clean again",
       {Ev("drift-detected", 1,
           {{"kind", "integration-dirty"},
            {"log_says", "expected clean"},
            {"git_shows", "checkout /r: untracked x"}}),
        Ev("drift-detected", 2,
           {{"kind", "integration-clean"},
            {"log_says", "recorded dirty"},
            {"git_shows", "checkout /r is clean"}})},
       3,
       "continue",
       "continue",
       "2 of 2 slots free"},
  };
}

TEST(NextTest, EachSituationGetsItsVerdictRuleAndReason) {
  const auto situations = Situations();
  ASSERT_GE(situations.size(), 10u);
  for (const Situation& s : situations) {
    SCOPED_TRACE(s.name);
    TempDir tmp;
    const std::string store = tmp.Sub("store");
    std::string jsonl;
    std::vector<json> events = Base();
    events.insert(events.end(), s.events.begin(), s.events.end());
    for (const json& e : events) jsonl += e.dump() + "\n";
    const std::map<std::string, std::string> env = {{"ORCH_NOW", At(s.now)}};
    RunResult emit =
        orch::testing::Run({OrchBin(), "--store", store, "emit", "--jsonl", "-"}, "", env, jsonl);
    ASSERT_EQ(emit.exit_code, 0) << emit.err;

    RunResult next = orch::testing::Run({OrchBin(), "--store", store, "next", "--json"}, "", env);
    ASSERT_EQ(next.exit_code, 0) << next.err;
    const json verdict = json::parse(next.out);
    EXPECT_EQ(verdict["action"], s.action) << verdict.dump(2);
    EXPECT_EQ(verdict["rule"], s.rule) << verdict.dump(2);
    EXPECT_NE(verdict["reason"].get<std::string>().find(s.reason), std::string::npos) << verdict.dump(2);

    // The pages decide with the same function.
    RunResult status = orch::testing::Run({OrchBin(), "--store", store, "status", "--json"}, "", env);
    ASSERT_EQ(status.exit_code, 0) << status.err;
    const json page = json::parse(status.out);
    EXPECT_EQ(page["next"]["action"], verdict["action"]);
    EXPECT_EQ(page["next"]["rule"], verdict["rule"]);
    EXPECT_EQ(page["next"]["reason"], verdict["reason"]);
    RunResult text = orch::testing::Run({OrchBin(), "--store", store, "next"}, "", env);
    EXPECT_EQ(text.out.rfind(s.action + ": ", 0), 0u) << text.out;
  }
}

}  // namespace
}  // namespace orch::testing

// `--at` shows the night as it was: three moments of the recorded night.
#include <map>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/projections/night_fixture.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

using nlohmann::json;

class TimeTravelTest : public ::testing::Test {
 protected:
  void SetUp() override { EmitLines(store_, NightLines()); }
  json StatusAt(const std::string& at) {
    RunResult r = Orch(store_, {"status", "--json", "--at", at, "--since", kNightSince});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }
  static std::map<std::string, std::string> States(const json& status) {
    std::map<std::string, std::string> out;
    for (const json& t : status["tasks"]) out[t["id"]] = t["state"];
    return out;
  }
  TempDir dir_;
  std::string store_ = dir_.Sub("store");
};

TEST_F(TimeTravelTest, AtElevenPmTheFirstTaskIsInReview) {
  const json s = StatusAt("2026-11-24T23:00:00Z");
  const std::map<std::string, std::string> expected = {
      {"T1", "reviewing"}, {"T2", "active"}, {"T3", "blocked"}};
  EXPECT_EQ(States(s), expected);
  EXPECT_EQ(s["lane"]["id"], "checkout");
  EXPECT_EQ(s["loop"]["runMode"], "active");
  EXPECT_EQ(s["now"], "2026-11-24T23:00:00Z");
  EXPECT_EQ(s["next"]["action"], "wait");  // the open review holds dispatch
  ASSERT_EQ(s["needsHuman"].size(), 1u);
  EXPECT_EQ(s["needsHuman"][0]["subject"], "T3");
  EXPECT_EQ(s["heartbeat"]["missedTotal"], 0);
}

TEST_F(TimeTravelTest, AfterTheLaneSwitchTheMissedHeartbeatIsOnRecord) {
  const json s = StatusAt("2026-11-25T02:10:00Z");
  const std::map<std::string, std::string> expected = {{"T1", "cleaned"}, {"T2", "rejected"},
                                                       {"T3", "blocked"}, {"T4", "stale-needs-inspection"},
                                                       {"T5", "pushed"},  {"T6", "active"}};
  EXPECT_EQ(States(s), expected);
  EXPECT_EQ(s["lane"]["id"], "search");
  EXPECT_EQ(s["heartbeat"]["missedTotal"], 1);
  EXPECT_EQ(s["heartbeat"]["missedSince"][0]["expectedAt"], "2026-11-25T00:31:00Z");
  // The loop dispatched T5 and T6 past the stale T4, and closed the
  // checkout lane with work unfinished: recorded as observed, each an
  // anomaly naming the rule it broke.
  ASSERT_EQ(s["anomalies"].size(), 3u) << s["anomalies"].dump(1);
  std::vector<std::string> rules;
  for (const auto& a : s["anomalies"]) {
    const std::string d = a["detail"];
    rules.push_back(d.substr(d.rfind('[')));
  }
  EXPECT_EQ(rules, (std::vector<std::string>{"[stale-worker]", "[lane]", "[stale-worker]"}));
}

TEST_F(TimeTravelTest, AtTheEndEveryStateOfTheMorningIsThere) {
  const json s = StatusAt("seq:79");
  const std::map<std::string, std::string> expected = {
      {"T1", "cleaned"}, {"T2", "rejected"},       {"T3", "abandoned"},     {"T4", "stale-needs-inspection"},
      {"T5", "pushed"},  {"T6", "active"},         {"T7", "pending-setup"}, {"T8", "completed-unreviewed"},
      {"T9", "blocked"}, {"T10", "cleanup-needed"}};
  EXPECT_EQ(States(s), expected);
  EXPECT_EQ(s["loop"]["runMode"], "draining");
  // T4 is stale: stale workers are handled before the review T8 waits for.
  EXPECT_EQ(s["next"]["action"], "inspect");
  EXPECT_EQ(s["next"]["rule"], "stale-worker");
  EXPECT_EQ(s["anomalies"].size(), 8u);  // six dispatches and a lane close past the rules, T10's merge
  EXPECT_EQ(s["headSeq"], 79);
  // The state at the last event's moment equals the state of the whole log.
  RunResult whole = Orch(store_, {"ledger"});
  RunResult at_end = Orch(store_, {"ledger", "--at", "seq:79"});
  EXPECT_EQ(whole.out, at_end.out);
}

}  // namespace
}  // namespace orch::testing

// A reader that knows only the predecessor's ledger accepts what
// `orch ledger` writes: every predecessor key has exactly the JSON type of
// the predecessor's table (predecessor_contract.h, written independently of
// orch's code), on the recorded night and on a night through every state.
#include <set>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/projections/night_fixture.h"
#include "tests/projections/predecessor_contract.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

using nlohmann::json;

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += "\n  " + l;
  return out;
}

// The keys orch always writes (docs/ledger.md), beyond the ones the
// predecessor requires.
void ExpectEveryAlwaysWrittenKey(const json& ledger) {
  for (const char* key : {"version", "projectRoot", "defaultBranch", "remote", "pushPolicy", "createdAt",
                          "updatedAt", "dispatchMode", "dispatchNote", "maxConcurrency", "tasks"}) {
    EXPECT_TRUE(ledger.contains(key)) << key;
  }
  for (const json& t : ledger["tasks"]) {
    SCOPED_TRACE(t["id"].dump());
    for (const char* key :
         {"id", "title", "threadId", "pendingWorktreeId", "packageId", "worktree", "branch", "baseCommit",
          "status", "writeSet", "gates", "evidence", "lastObservation", "history"}) {
      EXPECT_TRUE(t.contains(key)) << key;
    }
    for (const char* key : {"allowed", "forbidden"}) EXPECT_TRUE(t["writeSet"][key].is_array()) << key;
    for (const char* key : {"expected", "labels", "notes"}) EXPECT_TRUE(t["evidence"].contains(key)) << key;
    for (const char* key : {"at", "result", "note"}) EXPECT_TRUE(t["lastObservation"].contains(key)) << key;
    ASSERT_FALSE(t["history"].empty());
    for (const json& h : t["history"]) {
      for (const char* key : {"at", "type", "status", "note"}) EXPECT_TRUE(h.contains(key)) << key;
    }
  }
}

json Ledger(const std::string& store, std::vector<std::string> args = {}) {
  args.insert(args.begin(), "ledger");
  RunResult r = Orch(store, args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

// The checker must fail on what fails a Go reader, or the tests below prove
// nothing.
TEST(PredecessorContract, TheCheckerRefusesWhatBreaksTheReaders) {
  const json good = json::parse(R"({"version":1,"dispatchMode":"drain","tasks":[
      {"id":"T1","status":"active","writeSet":{"allowed":["a/**"],"forbidden":null},
       "budget":{"maxRuntimeMinutes":90,"reviewBudgetMinutes":20,"note":""},
       "lastObservation":{"at":"","result":"","note":""},
       "history":[{"at":"2026-11-20T22:01:00Z","type":"record-task","status":"active","note":"x"}]}]})");
  EXPECT_TRUE(ContractViolations(good).empty()) << Joined(ContractViolations(good));

  auto breaks = [&good](const std::string& pointer, const json& value, const std::string& named) {
    json bad = good;
    bad[json::json_pointer(pointer)] = value;
    const std::vector<std::string> v = ContractViolations(bad);
    ASSERT_EQ(v.size(), 1u) << pointer << Joined(v);
    EXPECT_EQ(v[0].rfind(named, 0), 0u) << v[0];
  };
  breaks("/tasks/0/history/0/seq", 5, "tasks[0].history[0].seq: number where a string belongs");
  breaks("/tasks/0/history/0/anomaly", nullptr, "tasks[0].history[0].anomaly: null");
  breaks("/tasks/0/lastObservation/at", false, "tasks[0].lastObservation.at: bool");
  breaks("/version", "1", "version: string where an integer belongs");
  breaks("/tasks/0/budget/maxRuntimeMinutes", 1.5, "tasks[0].budget.maxRuntimeMinutes: number");
  breaks("/tasks/0/writeSet/allowed", json::array({1}), "tasks[0].writeSet.allowed[0]: number");
  breaks("/tasks/0/status", "reviewing", "tasks[0].status: \"reviewing\" is not a status");
  breaks("/tasks/0/history/0/status", "pushed", "tasks[0].history[0].status: \"pushed\"");
  breaks("/dispatchMode", "draining", "dispatchMode: \"draining\"");
  breaks("/tasks/0/constraintStack", json{{"constraints", "one"}},
         "tasks[0].constraintStack.constraints: string");
  breaks("/tasks/0/id", 7, "tasks[0].id: number");
}

TEST(LedgerContract, TheRecordedNightKeepsEveryPredecessorType) {
  TempDir dir;
  const std::string store = dir.Sub("store");
  EmitLines(store, NightLines());
  const json ledger = Ledger(store);
  EXPECT_TRUE(ContractViolations(ledger).empty()) << Joined(ContractViolations(ledger));
  ExpectEveryAlwaysWrittenKey(ledger);

  EXPECT_EQ(ledger["version"], 1);
  EXPECT_EQ(ledger["projectRoot"], "/work/shop");
  EXPECT_EQ(ledger["createdAt"], "2026-11-24T22:00:00Z");
  EXPECT_EQ(ledger["updatedAt"], "2026-11-25T06:36:00Z");
  ASSERT_EQ(ledger["tasks"].size(), 10u);
  const json& t1 = ledger["tasks"][0];
  EXPECT_EQ(t1["id"], "T1");
  EXPECT_EQ(t1["status"], "cleaned");
  EXPECT_EQ(t1["threadId"], "thread-t1");
  EXPECT_EQ(t1["pendingWorktreeId"], "wt-t1");
  EXPECT_EQ(t1["budget"], json::parse(R"({"maxRuntimeMinutes":90,"reviewBudgetMinutes":20,"note":""})"));
  EXPECT_EQ(t1["history"][0]["type"], "dispatched");
  EXPECT_EQ(t1["history"][0]["status"], "pending-setup");
  EXPECT_EQ(t1["history"][0]["seq"], "5");
  EXPECT_EQ(t1["history"].back()["status"], "cleaned");
}

class EveryStateNight : public ::testing::Test {
 protected:
  void SetUp() override { EmitLines(store_, FixtureLines("all-states/events.jsonl")); }
  TempDir dir_;
  std::string store_ = dir_.Sub("store");
};

TEST_F(EveryStateNight, KeepsEveryPredecessorType) {
  const json ledger = Ledger(store_);
  EXPECT_TRUE(ContractViolations(ledger).empty()) << Joined(ContractViolations(ledger));
  ExpectEveryAlwaysWrittenKey(ledger);

  // The night went through every state of orch's lifecycle: each shows in
  // orch's own `state`, and `status` says it in the predecessor's words.
  std::set<std::string> states, statuses;
  for (const json& t : ledger["tasks"]) {
    for (const json& h : t["history"]) {
      states.insert(h["state"].get<std::string>());
      statuses.insert(h["status"].get<std::string>());
    }
  }
  const std::set<std::string> every_state = {"pending-setup",
                                             "active",
                                             "completed-unreviewed",
                                             "reviewing",
                                             "accepted",
                                             "merged",
                                             "pushed",
                                             "cleaned",
                                             "rejected",
                                             "blocked",
                                             "stale-needs-inspection",
                                             "cleanup-needed",
                                             "abandoned"};
  EXPECT_EQ(states, every_state);
  EXPECT_EQ(statuses, std::set<std::string>(PredecessorStatuses().begin(), PredecessorStatuses().end()));

  std::map<std::string, std::pair<std::string, std::string>> final_states;  // id -> status, state
  for (const json& t : ledger["tasks"]) final_states[t["id"]] = {t["status"], t["state"]};
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"S1", {"cleaned", "cleaned"}},
      {"S2", {"rejected", "rejected"}},
      {"S3", {"blocked", "blocked"}},
      {"S4", {"stale-needs-inspection", "stale-needs-inspection"}},
      {"S5", {"cleanup-needed", "cleanup-needed"}},
      {"S6", {"abandoned", "abandoned"}},
      {"S7", {"pending-setup", "pending-setup"}},
      {"S8", {"completed-unreviewed", "reviewing"}},
      {"S9", {"completed-unreviewed", "accepted"}},
      {"S10", {"merged", "pushed"}},
      {"S11", {"merged", "merged"}},
      {"S12", {"completed-unreviewed", "completed-unreviewed"}},
      {"S13", {"active", "active"}}};
  EXPECT_EQ(final_states, expected);

  // The run mode in the predecessor's words, paused at the end.
  EXPECT_EQ(ledger["dispatchMode"], "paused");
  EXPECT_EQ(ledger["dispatchNote"], "release freeze");

  // Budgets and constraint stacks where the events carry them.
  const json& s1 = ledger["tasks"][0];
  ASSERT_EQ(s1["id"], "S1");
  EXPECT_EQ(s1["budget"],
            json::parse(R"({"maxRuntimeMinutes":90,"reviewBudgetMinutes":20,"note":"small change"})"));
  EXPECT_EQ(s1["constraintStack"], json::parse(R"({"userInstruction":"round half-even, never truncate",
      "constraints":["no new dependencies","keep the public API"],"allowedPaths":["billing/s1/**"],
      "forbiddenPaths":["db/**"],"requiredGates":["make test"],"evidenceBoundary":"local",
      "authority":["operator","orchestrator"],"packageId":"billing","packageSwitchReason":""})"));
  const json& s3 = ledger["tasks"][2];
  ASSERT_EQ(s3["id"], "S3");
  EXPECT_EQ(s3["constraintStack"]["packageSwitchReason"], "moved from the payments lane");
  EXPECT_EQ(s3["constraintStack"]["constraints"], json::array());
  const json& s2 = ledger["tasks"][1];
  EXPECT_FALSE(s2.contains("constraintStack")) << "written only where the events carry one";
}

TEST_F(EveryStateNight, WhileDrainingTheRunModeIsDrain) {
  const json ledger = Ledger(store_, {"--at", "2026-11-23T22:35:00Z"});
  EXPECT_TRUE(ContractViolations(ledger).empty()) << Joined(ContractViolations(ledger));
  EXPECT_EQ(ledger["dispatchMode"], "drain");
  EXPECT_EQ(ledger["dispatchNote"], "finish billing before the release");
  EXPECT_EQ(ledger["runMode"]["mode"], "draining");  // orch's own word stays beside it
}

}  // namespace
}  // namespace orch::testing

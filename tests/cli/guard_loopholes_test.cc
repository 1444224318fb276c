// The ways around the lifecycle guard, each walked through the real binary:
// evidence claimed on events that cannot back it, hand-written inspections,
// anomalies hidden by their time, events dated in the future or before
// their task's previous one. (Cleaning a dirty worktree needs git:
// tests/git/inspect_cli_test.cc.)
#include <chrono>

#include "base/time_text.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/emit_modes.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class GuardLoopholesTest : public EmitModeTest {
 protected:
  void SetUp() override {
    EmitModeTest::SetUp();
    store_ = tmp_.Sub("store");
    ASSERT_EQ(Orch(store_, {"init"}).exit_code, 0);
    Emit({"package-opened", "--package-id", "work"});
    Emit({"dispatched", "--task", "T1", "--title", "one", "--branch", "task/t1", "--package-id", "work"});
    Emit({"worktree-ready", "--task", "T1", "--worktree", "/w/t1"});
  }
  void Emit(std::vector<std::string> args) {
    args.insert(args.begin(), "emit");
    RunResult r = Orch(store_, args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  nlohmann::json Json(const std::vector<std::string>& args) {
    RunResult r = Orch(store_, args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }
  nlohmann::json LedgerTask(const std::string& id) {
    const nlohmann::json ledger = Json({"ledger"});
    for (const auto& t : ledger["tasks"]) {
      if (t["id"] == id) return t;
    }
    ADD_FAILURE() << "no task " << id;
    return nullptr;
  }
  TempDir tmp_;
  std::string store_;
};

TEST_P(GuardLoopholesTest, EvidenceIsRaisedOnlyByWhatBacksIt) {
  Emit({"completed", "--task", "T1"});
  Emit({"gate", "--task", "T1", "--command", "make test", "--result", "pass", "--label", "local"});
  RunResult over =
      Orch(store_, {"emit", "reviewed", "--task", "T1", "--verdict", "accepted", "--evidence", "prod"});
  EXPECT_EQ(over.exit_code, 3);
  EXPECT_NE(over.err.find("overclaims"), std::string::npos) << over.err;
  // Observed: no repository here for the acceptance gate to read (a live
  // acceptance needs git); the lifecycle's evidence rule still applies.
  Emit({"reviewed", "--task", "T1", "--verdict", "accepted", "--evidence", "local", "--observed"});
  // The same claim on events that back nothing.
  Emit({"note", "--task", "T1", "--text", "verified in production", "--evidence", "prod"});
  Emit({"merged", "--task", "T1", "--merge-commit", "m1", "--evidence", "prod"});
  const nlohmann::json t = LedgerTask("T1");
  EXPECT_EQ(t["evidence"]["labels"], nlohmann::json::array({"local"})) << t.dump(2);
  EXPECT_EQ(t["evidenceReached"], "local");
  // Still visible, as a claim.
  const std::string notes = t["evidence"]["notes"].dump();
  EXPECT_NE(notes.find("claimed 'prod' (note #"), std::string::npos) << notes;
  EXPECT_NE(notes.find("claimed 'prod' (merged #"), std::string::npos) << notes;
}

TEST_P(GuardLoopholesTest, AHandWrittenInspectionIsAClaimAndMovesNothing) {
  Emit({"inspected", "--task", "T1", "--worktree-exists", "--reviewable", "--ahead-of-base", "1", "--head",
        "c0ffee"});
  Emit({"inspected", "--task", "T1", "--worktree-exists", "--reviewable", "--ahead-of-base", "1",
        "--observed", "--actor", "worker-1"});
  const nlohmann::json s = Json({"status", "--json"});
  EXPECT_TRUE(s["readyForReview"].empty()) << s["readyForReview"].dump();
  EXPECT_TRUE(s["inspections"].empty()) << s["inspections"].dump();
  ASSERT_EQ(s["active"].size(), 1u);
  EXPECT_EQ(s["active"][0]["state"], "active");
  const nlohmann::json t = LedgerTask("T1");
  EXPECT_TRUE(t["inspection"].is_null()) << t["inspection"].dump();
  EXPECT_EQ(t["lastObservation"]["result"], "");
  // Shown in the history as what it is.
  const std::string history = t["history"].dump();
  EXPECT_NE(history.find("claim, not observed by orch inspect: reviewable"), std::string::npos) << history;
  RunResult md = Orch(store_, {"status", "--format", "md"});
  EXPECT_EQ(md.out.find("reviewable yes"), std::string::npos) << md.out;
}

TEST_P(GuardLoopholesTest, EveryAnomalyIsShownWhateverItsTime) {
  RunResult r =
      Orch(store_, {"emit", "merged", "--task", "T1", "--observed", "--at", "2020-01-01T00:00:00Z"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const uint64_t seq = std::stoull(r.out);
  const nlohmann::json s = Json({"status", "--json"});
  ASSERT_EQ(s["anomalies"].size(), 1u) << s.dump(2);
  EXPECT_EQ(s["anomalies"][0]["seq"], seq);
  EXPECT_EQ(s["anomalies"][0]["at"], "2020-01-01T00:00:00Z");
  bool flagged = false;
  for (const auto& n : s["needsHuman"]) {
    flagged |=
        n["subject"] == "T1" && n["why"].get<std::string>().find("anomaly at #" + std::to_string(seq)) == 0;
  }
  EXPECT_TRUE(flagged) << s["needsHuman"].dump(2);
  RunResult md = Orch(store_, {"status", "--format", "md"});
  EXPECT_NE(md.out.find("only accepted work may be merged"), std::string::npos) << md.out;
}

TEST_P(GuardLoopholesTest, AnEventDatedMoreThanFiveMinutesAheadIsRefused) {
  const std::map<std::string, std::string> before = DumpStore(store_);
  const std::string later = FormatRfc3339((NowNs() / 1'000'000'000 + 600) * 1'000'000'000);
  for (bool observed : {false, true}) {
    std::vector<std::string> args = {"emit", "note", "--task", "T1", "--text", "x", "--at", later};
    if (observed) args.push_back("--observed");
    RunResult r = Orch(store_, args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(later), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("at most 5m after the clock"), std::string::npos) << r.err;
  }
  // The 2099 review that would have preceded a merge dated now.
  RunResult r = Orch(store_, {"emit", "reviewed", "--task", "T1", "--verdict", "accepted", "--at",
                              "2099-01-01T00:00:00Z", "--observed"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(DumpStore(store_), before);
  const std::string soon = FormatRfc3339((NowNs() / 1'000'000'000 + 120) * 1'000'000'000);
  Emit({"note", "--task", "T2", "--text", "within the allowance", "--at", soon});
}

TEST_P(GuardLoopholesTest, AnEventMayNotPrecedeItsTasksPreviousOne) {
  const std::map<std::string, std::string> before = DumpStore(store_);
  RunResult r = Orch(store_, {"emit", "completed", "--task", "T1", "--at", "2020-01-01T00:00:00Z"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("dated 2020-01-01T00:00:00Z, before the task's previous event at"), std::string::npos)
      << r.err;
  EXPECT_EQ(DumpStore(store_), before);
  // Recorded as an observed fact, it is an anomaly.
  r = Orch(store_, {"emit", "completed", "--task", "T1", "--at", "2020-01-01T00:00:00Z", "--observed"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("recorded as an anomaly"), std::string::npos) << r.err;
  // Another task is not held back by T1's times (the dispatch rules would
  // hold it back, beside T1's waiting review: observed).
  Emit({"dispatched", "--task", "T2", "--title", "two", "--at", "2020-01-01T00:00:00Z", "--package-id",
        "work", "--observed"});
}

ORCH_BOTH_EMIT_MODES(GuardLoopholesTest);

}  // namespace
}  // namespace orch::testing

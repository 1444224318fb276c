// orch emit / replay / verify end to end, through the real binary.
#include <chrono>
#include <filesystem>
#include <thread>

#include "absl/strings/str_split.h"
#include "eventstore/key_format.h"
#include "eventstore/verify_report.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "rocksdb/db.h"
#include "tests/support/emit_modes.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

std::vector<nlohmann::json> Jsonl(const std::string& text) {
  std::vector<nlohmann::json> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    out.push_back(nlohmann::json::parse(std::string(line)));
  }
  return out;
}

class EmitReplayTest : public EmitModeTest {
 protected:
  void SetUp() override {
    EmitModeTest::SetUp();
    store_ = tmp_.Sub("store");
    ASSERT_EQ(Orch(store_, {"init", "--default-branch", "trunk", "--max-concurrency", "3"}).exit_code, 0);
  }
  // A lane for the tests that dispatch (every dispatch serves one), opened
  // before the earliest time they use.
  void OpenLane() { Emit({"package-opened", "--package-id", "work", "--at", "2026-11-24T21:00:00Z"}); }
  std::string Emit(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"emit"};
    all.insert(all.end(), args.begin(), args.end());
    RunResult r = Orch(store_, all);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return std::string(absl::StripAsciiWhitespace(r.out));
  }
  TempDir tmp_;
  std::string store_;
};

// The predecessor's ledger says `drain`; orch's run mode is `draining`.
// Both spellings are taken (flag and JSON), `draining` is what is stored.
TEST_P(EmitReplayTest, DrainIsTakenAsDraining) {
  Emit({"run-mode-changed", "--mode", "drain", "--reason", "night over"});
  EXPECT_EQ(Orch(store_, {"emit", "--json", R"({"type":"run-mode-changed","mode":"drain"})"}).exit_code, 0);
  Emit({"run-mode-changed", "--mode", "draining"});
  RunResult r = Orch(store_, {"replay", "--format", "jsonl"});
  std::vector<std::string> modes;
  for (const auto& e : Jsonl(r.out)) {
    if (e["type"] == "run-mode-changed") modes.push_back(e["payload"]["mode"].get<std::string>());
  }
  EXPECT_EQ(modes, (std::vector<std::string>{"draining", "draining", "draining"})) << r.out;
  r = Orch(store_, {"status", "--json"});
  EXPECT_EQ(nlohmann::json::parse(r.out)["loop"]["runMode"], "draining") << r.out.substr(0, 300);
  // Anything else is still refused.
  EXPECT_EQ(Orch(store_, {"emit", "run-mode-changed", "--mode", "drained"}).exit_code, 2);
  EXPECT_EQ(Orch(store_, {"emit", "--json", R"({"type":"run-mode-changed","mode":"drained"})"}).exit_code, 2);
}

TEST_P(EmitReplayTest, TypedFlagsLandInThePayloadFieldForField) {
  OpenLane();
  EXPECT_EQ(Emit({"dispatched",
                  "--task",
                  "T1",
                  "--title",
                  "Checkout <form>",
                  "--branch",
                  "task/t1",
                  "--allowed",
                  "web/**",
                  "--allowed",
                  "api/**",
                  "--runtime-budget-minutes",
                  "45",
                  "--actor",
                  "orchestrator",
                  "--note",
                  "first",
                  "--at",
                  "2026-11-24T22:05:00Z",
                  "--package-id",
                  "work"}),
            "3");
  RunResult r = Orch(store_, {"replay", "--json", "--task", "T1"});
  auto events = Jsonl(r.out);
  ASSERT_EQ(events.size(), 1u);
  const auto& e = events[0];
  EXPECT_EQ(e["type"], "dispatched");
  EXPECT_EQ(e["task"], "T1");
  EXPECT_EQ(e["version"], 1);
  EXPECT_EQ(e["actor"], "orchestrator");
  EXPECT_EQ(e["note"], "first");
  EXPECT_EQ(e["at"], "2026-11-24T22:05:00Z");
  EXPECT_EQ(e["payload"]["title"], "Checkout <form>");
  EXPECT_EQ(e["payload"]["allowed"], nlohmann::json::array({"web/**", "api/**"}));
  EXPECT_EQ(e["payload"]["runtime_budget_minutes"], 45);
  EXPECT_EQ(e["hash"].get<std::string>().size(), 64u);
}

TEST_P(EmitReplayTest, JsonOutputAndJsonInput) {
  RunResult r = Orch(store_, {"emit", "note", "--text", "hello", "--json"});
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["seq"], 2);
  EXPECT_EQ(j["type"], "note");
  EXPECT_EQ(j["version"], 0);
  EXPECT_EQ(j["hash"].get<std::string>().size(), 64u);
  r = Orch(store_, {"emit", "--json",
                    R"({"type":"heartbeat","source":"cron","next_expected_at":"2026-11-25T03:30:00Z"})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["seq"], 3);
  auto events = Jsonl(Orch(store_, {"replay", "--json", "--type", "heartbeat"}).out);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["payload"]["next_expected_at"], "2026-11-25T03:30:00Z");
}

TEST_P(EmitReplayTest, JsonlBatchIsAtomicAndOrdered) {
  OpenLane();
  const std::string batch = R"({"type":"dispatched","task":"A","title":"a","package_id":"work"})"
                            "\n"
                            R"({"type":"worktree-ready","task":"A","payload":{"worktree":"/w/a"}})"
                            "\n"
                            R"({"type":"committed","task":"A","commit":"c1"})"
                            "\n";
  RunResult r = Orch(store_, {"emit", "--jsonl", "-"}, batch);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto results = Jsonl(r.out);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[2]["seq"], 5);
  EXPECT_EQ(results[2]["version"], 3);
  // The second batch fails on its last line: none of it lands.
  r = Orch(store_, {"emit", "--jsonl", "-"},
           R"({"type":"note","text":"x"})"
           "\n"
           R"({"type":"merged","task":"A"})"
           "\n");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(Jsonl(Orch(store_, {"replay", "--json"}).out).size(), 5u);
}

TEST_P(EmitReplayTest, IdempotentRetryPrintsTheFirstSequence) {
  const std::string first = Emit({"note", "--text", "once", "--idempotency-key", "night-1/note"});
  RunResult again = Orch(store_, {"emit", "note", "--text", "once", "--idempotency-key", "night-1/note"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(std::string(absl::StripAsciiWhitespace(again.out)), first);
  EXPECT_NE(again.err.find("already recorded"), std::string::npos);
  EXPECT_EQ(Jsonl(Orch(store_, {"replay", "--json"}).out).size(), 2u);
}

TEST_P(EmitReplayTest, ObservedImpossibleStepIsRecordedAsAnAnomaly) {
  OpenLane();
  Emit({"dispatched", "--task", "T1", "--package-id", "work"});
  RunResult r = Orch(store_, {"emit", "merged", "--task", "T1", "--merge-commit", "abc", "--observed"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("anomaly"), std::string::npos);
  auto events = Jsonl(Orch(store_, {"replay", "--json", "--type", "merged"}).out);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["claim"], "observed");
  EXPECT_NE(events[0]["anomaly"].get<std::string>().find("pending-setup"), std::string::npos);
  const std::string text = Orch(store_, {"replay", "--task", "T1"}).out;
  EXPECT_NE(text.find("!! anomaly"), std::string::npos) << text;
}

TEST_P(EmitReplayTest, OverclaimedEvidenceIsRefused) {
  OpenLane();
  const std::string batch = R"({"type":"dispatched","task":"T1","package_id":"work"})"
                            "\n"
                            R"({"type":"worktree-ready","task":"T1"})"
                            "\n"
                            R"({"type":"completed","task":"T1"})"
                            "\n"
                            R"({"type":"gate","task":"T1","command":"ctest","result":"pass","label":"local"})"
                            "\n";
  ASSERT_EQ(Orch(store_, {"emit", "--jsonl", "-"}, batch).exit_code, 0);
  RunResult r =
      Orch(store_, {"emit", "reviewed", "--task", "T1", "--verdict", "accepted", "--evidence", "direct"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("overclaims"), std::string::npos) << r.err;
  // A backed label passes the lifecycle; the acceptance gate still wants an
  // inspection (there is no repository here to inspect).
  r = Orch(store_, {"emit", "reviewed", "--task", "T1", "--verdict", "accepted", "--evidence", "local"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("no inspection: run orch inspect first [review-gate]"), std::string::npos) << r.err;
}

TEST_P(EmitReplayTest, ReplayFiltersByTaskTypeAndTime) {
  OpenLane();  // seq 2
  Emit({"dispatched", "--task", "T1", "--at", "2026-11-24T22:00:00Z", "--package-id", "work", "--allowed",
        "a/**"});
  Emit({"dispatched", "--task", "T2", "--at", "2026-11-24T23:00:00Z", "--package-id", "work", "--allowed",
        "b/**"});
  Emit({"heartbeat", "--source", "cron", "--at", "2026-11-25T01:00:00Z"});
  Emit({"worktree-ready", "--task", "T2", "--at", "2026-11-25T02:00:00Z"});
  auto seqs = [&](const std::vector<std::string>& args) {
    std::vector<std::string> all = {"replay", "--json"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<int> out;
    for (const auto& e : Jsonl(Orch(store_, all).out)) out.push_back(e["seq"]);
    return out;
  };
  EXPECT_EQ(seqs({"--task", "T2"}), (std::vector<int>{4, 6}));
  EXPECT_EQ(seqs({"--type", "dispatched", "--type", "heartbeat"}), (std::vector<int>{3, 4, 5}));
  EXPECT_EQ(seqs({"--since", "2026-11-24T22:30:00Z", "--until", "2026-11-25T01:30:00Z"}),
            (std::vector<int>{4, 5}));
  EXPECT_EQ(seqs({"--since", "seq:5"}), (std::vector<int>{5, 6}));
  EXPECT_EQ(seqs({"--until", "seq:2"}), (std::vector<int>{1, 2}));
  const std::string text = Orch(store_, {"replay", "--since", "seq:3"}).out;
  EXPECT_NE(text.find("#4"), std::string::npos);
  EXPECT_NE(text.find("dispatched"), std::string::npos);
  EXPECT_NE(text.find("+1h00m"), std::string::npos) << text;  // the gap between events
  EXPECT_NE(text.find("source=cron"), std::string::npos);
}

// replay --format jsonl is lossless: emitting it into an empty store
// rebuilds the same chain, byte for byte, so the head hashes agree.
TEST_P(EmitReplayTest, ReplayedJsonlRebuildsTheSameChain) {
  OpenLane();
  Emit({"dispatched", "--task", "T1", "--title", "x", "--forbidden", "db/**", "--package-id", "work"});
  Emit({"merged", "--task", "T1", "--observed", "--merge-commit", "abc"});
  Emit({"run-mode-changed", "--mode", "draining", "--reason", "night ends"});
  Emit({"reviewed", "--task", "T1", "--verdict", "changes-requested", "--observed"});
  const std::string log = Orch(store_, {"replay", "--format", "jsonl"}).out;
  const std::string copy = tmp_.Sub("copy");
  {
    // An empty store (orch init would add an event of its own).
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, copy, &db).ok());
    delete db;
  }
  RunResult r = Orch(copy, {"emit", "--jsonl", "-"}, log);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Orch(copy, {"replay", "--format", "jsonl"}).out, log);
  EXPECT_EQ(Orch(copy, {"verify", "--json"}).out, Orch(store_, {"verify", "--json"}).out);
}

// The round trip docs/cli.md promises, as written: into a store that does
// not exist yet. It used to fail with "no orch store"; a batch that starts
// with project-initialized now creates the store, as orch init would.
TEST_P(EmitReplayTest, DocumentedRoundTripIntoANewStore) {
  OpenLane();
  Emit({"dispatched", "--task", "T1", "--title", "x", "--note", "line\nbreak", "--package-id", "work"});
  Emit({"merged", "--task", "T1", "--observed", "--merge-commit", "abc"});
  Emit({"note", "--text", "done", "--idempotency-key", "k1", "--evidence", "local"});
  const std::string log = Orch(store_, {"replay", "--format", "jsonl"}).out;
  ASSERT_EQ(log.rfind("{", 0), 0u);
  ASSERT_NE(log.find("\"type\":\"project-initialized\""), std::string::npos);
  const std::string copy = tmp_.Sub("new/copy");
  RunResult r = Orch(copy, {"emit", "--jsonl", "-"}, log);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto original = nlohmann::json::parse(Orch(store_, {"verify", "--json"}).out);
  RunResult verify = Orch(copy, {"verify", "--json"});
  ASSERT_EQ(verify.exit_code, 0) << verify.err;
  const auto copied = nlohmann::json::parse(verify.out);
  EXPECT_EQ(copied["intact"], true);
  EXPECT_EQ(copied["head_seq"], original["head_seq"]);
  EXPECT_EQ(copied["head_hash"], original["head_hash"]);
  EXPECT_EQ(Orch(copy, {"replay", "--format", "jsonl"}).out, log);
}

// Like orch init, a copy that creates the store keeps it out of git status.
TEST_P(EmitReplayTest, RoundTripIntoARepositoryKeepsTheStoreOutOfGitStatus) {
  const std::string log = Orch(store_, {"replay", "--format", "jsonl"}).out;
  const std::string repo = tmp_.Sub("repo");
  InitRepo(repo);
  RunResult r = Orch(repo + "/.orch", {"emit", "--jsonl", "-"}, log);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Git(repo, {"status", "--porcelain"}), "");
  EXPECT_EQ(r.out.find("info/exclude"), std::string::npos) << "stdout is for the JSON results";
}

// Only a log's beginning may create a store: anything else into a missing
// store is refused as before, and creates nothing.
TEST_P(EmitReplayTest, BatchThatDoesNotStartALogNeedsAStore) {
  const std::string missing = tmp_.Sub("missing");
  RunResult r = Orch(missing, {"emit", "--jsonl", "-"}, "{\"type\":\"note\",\"text\":\"x\"}\n");
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("no orch store"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(missing));
}

// --follow prints events appended by other processes while it runs, without
// holding the store: the emits below would time out if it did.
TEST_P(EmitReplayTest, FollowPrintsNewEventsAsTheyAreAppended) {
  Emit({"note", "--text", "before"});
  RunResult follow;
  std::thread follower([&] {
    follow = Orch(store_, {"replay", "--follow", "--format", "jsonl", "--poll", "0.05", "--follow-for", "4"});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  for (const char* text : {"during 1", "during 2"}) {
    RunResult r = orch::testing::Run({OrchBin(), "--store", store_, "emit", "note", "--text", text}, "",
                                     {{"ORCH_LOCK_TIMEOUT", "2s"}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  follower.join();
  ASSERT_EQ(follow.exit_code, 0) << follow.err;
  std::vector<std::string> texts;
  for (const auto& e : Jsonl(follow.out)) {
    if (e["type"] == "note") texts.push_back(e["payload"]["text"]);
  }
  EXPECT_EQ(texts, (std::vector<std::string>{"before", "during 1", "during 2"}));
}

TEST_P(EmitReplayTest, VerifyReportsTheFirstBadSequence) {
  for (int i = 0; i < 5; ++i) Emit({"note", "--text", "n" + std::to_string(i)});
  RunResult ok = Orch(store_, {"verify"});
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_NE(ok.out.find("6 events"), std::string::npos) << ok.out;
  StopServerOf(store_);
  {
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), store_, &db).ok());
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), keys::Event(4)).ok());
    delete db;
  }
  RunResult bad = Orch(store_, {"verify"});
  EXPECT_EQ(bad.exit_code, 4);
  EXPECT_NE(bad.err.find("seq 4"), std::string::npos) << bad.err;
  auto j = nlohmann::json::parse(Orch(store_, {"verify", "--json"}).out);
  EXPECT_EQ(j["intact"], false);
  EXPECT_EQ(j["first_bad_seq"], 4);
}

TEST_P(EmitReplayTest, EveryVerbHasHelpWithAnExampleAndThereIsAVersion) {
  for (const std::string verb : {"init", "emit", "replay", "verify"}) {
    RunResult r = Orch(store_, {verb, "--help"});
    EXPECT_EQ(r.exit_code, 0) << verb;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << verb;
  }
  RunResult r = Orch(store_, {"emit", "heartbeat-missed", "--help"});
  EXPECT_NE(r.out.find("--expected-at"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--gap-seconds"), std::string::npos);
  r = orch::testing::Run({OrchBin(), "--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("orch ", 0), 0u);
}

TEST_P(EmitReplayTest, StoreDefaultsToTheMainRepositoryTopLevel) {
  const std::string repo = tmp_.Sub("repo");
  InitRepo(repo);
  WriteFile(repo + "/src/a.txt", "a");
  Git(repo, {"add", "."});
  Git(repo, {"commit", "-qm", "first"});
  Git(repo, {"worktree", "add", "-q", "-b", "task/t1", tmp_.Sub("wt1")});
  RunResult r = orch::testing::Run({OrchBin(), "init"}, repo + "/src");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(repo + "/.orch/CURRENT"));
  // A worker in a linked worktree writes to the same log.
  r = orch::testing::Run({OrchBin(), "emit", "note", "--text", "from the worktree"}, tmp_.Sub("wt1"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::string(absl::StripAsciiWhitespace(r.out)), "2");
  EXPECT_FALSE(std::filesystem::exists(tmp_.Sub("wt1") + "/.orch"));
  // ORCH_STORE overrides, and outside a repository without one is an error.
  r = orch::testing::Run({OrchBin(), "replay"}, tmp_.path(), {{"ORCH_STORE", repo + "/.orch"}});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("from the worktree"), std::string::npos);
  r = orch::testing::Run({OrchBin(), "replay"}, tmp_.path());
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("--store"), std::string::npos) << r.err;
}

ORCH_BOTH_EMIT_MODES(EmitReplayTest);

}  // namespace
}  // namespace orch::testing

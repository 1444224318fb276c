// Reading the predecessor's files: the fixture reads field for field, and
// every malformed input is refused naming the file and the line or field.
#include "importer/predecessor.h"

#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace orch::importer {
namespace {

using ::orch::testing::ReadFile;
using ::orch::testing::SourceDir;

std::string Fixture(const std::string& name) { return ReadFile(SourceDir() + "/fixtures/import/" + name); }

// A minimal ledger with `task` as its only task.
std::string LedgerWith(const std::string& task) {
  return R"({"version":1,"createdAt":"2026-11-20T21:58:00Z","tasks":[)" + task + "]}";
}

void ExpectRefused(const absl::StatusOr<Ledger>& l, const std::string& names) {
  ASSERT_FALSE(l.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(l.status())) << l.status();
  EXPECT_NE(l.status().message().find(names), std::string::npos) << l.status().message();
}

TEST(PredecessorLedger, TheFixtureReadsFieldForField) {
  auto l = ParseLedger(Fixture("ledger.json"), "ledger.json");
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_EQ(l->version, 1);
  EXPECT_EQ(l->project_root, "/home/dev/src/shop");
  EXPECT_EQ(l->default_branch, "main");
  EXPECT_EQ(l->push_policy, "manual");
  EXPECT_EQ(l->max_concurrency, 3);
  EXPECT_EQ(l->dispatch_mode, "drain");
  EXPECT_EQ(l->dispatch_note, "finishing the receipts lane before refunds");
  ASSERT_EQ(l->tasks.size(), 13u);
  const Task& t2 = l->tasks[1];
  EXPECT_EQ(t2.id, "T2");
  EXPECT_EQ(t2.status, "merged");
  EXPECT_EQ(t2.gates, (std::vector<std::string>{"pytest api/payments", "make proxy-check"}));
  EXPECT_TRUE(t2.has_budget);
  EXPECT_EQ(t2.budget.runtime_minutes, 120);
  ASSERT_TRUE(t2.has_constraint_stack);
  EXPECT_EQ(t2.constraint_stack.user_instruction, "retry with jitter, max 5");
  EXPECT_EQ(t2.constraint_stack.required_gates, std::vector<std::string>{"pytest api/payments"});
  EXPECT_EQ(t2.labels, (std::vector<std::string>{"local", "proxy"}));
  ASSERT_EQ(t2.history.size(), 4u);
  EXPECT_EQ(t2.history[0].origin, "ledger.json: tasks[1].history[0]");
  EXPECT_EQ(t2.history[0].extras,
            (std::vector<std::pair<std::string, std::string>>{{"pendingWorktreeId", "pw-102"}}));
  // A null array is what Go writes for an empty slice.
  EXPECT_TRUE(l->tasks[2].forbidden.empty());
  EXPECT_EQ(l->routine_runs.size(), 1u);
  const Task& t1 = l->tasks[0];
  EXPECT_EQ(t1.last_observation.size(), 3u);
  // Go writes times in the local offset: the same instant as the Z form.
  EXPECT_EQ(l->tasks[5].history[0].at, l->tasks[4].history[0].at + 60'000'000'000);
}

TEST(PredecessorLedger, TruncatedJsonNamesTheFileAndLine) {
  const std::string text = Fixture("ledger.json");
  const std::string cut = text.substr(0, text.find("\"T3\""));
  const int lines = static_cast<int>(std::count(cut.begin(), cut.end(), '\n')) + 1;
  ExpectRefused(ParseLedger(cut, "old/ledger.json"),
                "old/ledger.json: line " + std::to_string(lines) + ", column");
}

TEST(PredecessorLedger, AWrongTypeNamesTheField) {
  ExpectRefused(ParseLedger(R"({"version":"1","tasks":[]})", "l.json"),
                "l.json: version: string where an integer");
  ExpectRefused(ParseLedger(LedgerWith(R"({"id":"T1","status":"active","history":[
                    {"at":"2026-11-20T22:01:00Z","type":"record-task","status":"active","seq":5}]})"),
                            "l.json"),
                "l.json: tasks[0].history[0].seq: number where a string belongs");
  ExpectRefused(
      ParseLedger(LedgerWith(R"({"id":"T1","status":"active","budget":{"maxRuntimeMinutes":"90"}})"),
                  "l.json"),
      "tasks[0].budget.maxRuntimeMinutes: string where an integer");
  ExpectRefused(
      ParseLedger(LedgerWith(R"({"id":"T1","status":"active","lastObservation":{"at":1}})"), "l.json"),
      "tasks[0].lastObservation.at: number");
  ExpectRefused(
      ParseLedger(LedgerWith(R"({"id":"T1","status":"active","writeSet":{"allowed":"a/**"}})"), "l.json"),
      "tasks[0].writeSet.allowed: string where an array of strings");
  ExpectRefused(ParseLedger(LedgerWith(R"({"id":7,"status":"active"})"), "l.json"), "tasks[0].id: number");
  ExpectRefused(ParseLedger(LedgerWith(R"({"id":"T 1","status":"active"})"), "l.json"), "tasks[0].id: ");
  ExpectRefused(ParseLedger(R"({"version":1,"tasks":{}})", "l.json"), "tasks: object where an array");
}

TEST(PredecessorLedger, UnknownStatusesAndBadTimesNameTheField) {
  ExpectRefused(ParseLedger(LedgerWith(R"({"id":"T1","status":"done"})"), "l.json"),
                "l.json: tasks[0].status: unknown status 'done'");
  ExpectRefused(ParseLedger(LedgerWith(R"({"id":"T1","status":"active","history":[
                    {"at":"2026-11-20T22:01:00Z","type":"review","status":"reviewing"}]})"),
                            "l.json"),
                "tasks[0].history[0].status: unknown status 'reviewing'");
  ExpectRefused(
      ParseLedger(LedgerWith(R"({"id":"T1","status":"active","history":[{"at":"yesterday"}]})"), "l.json"),
      "tasks[0].history[0].at: bad time 'yesterday'");
  ExpectRefused(ParseLedger(R"({"version":1,"dispatchMode":"draining","tasks":[]})", "l.json"),
                "dispatchMode: unknown run mode 'draining'");
  ExpectRefused(
      ParseLedger(LedgerWith(R"({"id":"T1","status":"active"},{"id":"T1","status":"merged"})"), "l.json"),
      "tasks[1].id: 'T1' is also the id of tasks[0]");
}

TEST(PredecessorLedger, AKeyGivenTwiceIsRefusedNotSilentlyOverwritten) {
  ExpectRefused(ParseLedger(LedgerWith(R"({"id":"T1","status":"active","status":"merged"})"), "l.json"),
                "l.json");
  ExpectRefused(ParseLedger(LedgerWith(R"({"id":"T1","status":"active","status":"merged"})"), "l.json"),
                "tasks[0].status");
}

TEST(PredecessorLedger, GosZeroTimeIsNoTime) {
  auto l =
      ParseLedger(R"({"version":1,"createdAt":"0001-01-01T00:00:00Z","updatedAt":"","tasks":[]})", "l.json");
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_EQ(l->created_at, 0);
  EXPECT_EQ(l->updated_at, 0);
}

TEST(PredecessorLedger, UnknownKeysAreKeptNotRefused) {
  auto l = ParseLedger(R"({"version":1,"tasks":[{"id":"T1","status":"active","priority":3,
      "evidence":{"expected":"local","score":0.5}}],"owner":"dev"})",
                       "l.json");
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->unknown.size(), 1u);
  EXPECT_EQ(l->unknown[0].first, "owner");
  ASSERT_EQ(l->tasks[0].unknown.size(), 1u);
  EXPECT_EQ(l->tasks[0].unknown[0].first, "priority");
  ASSERT_EQ(l->tasks[0].evidence_other.size(), 1u);
  EXPECT_EQ(l->tasks[0].evidence_other[0].first, "score");
}

TEST(PredecessorEvents, TheFixtureReadsLineForLine) {
  auto e = ParseEvents(Fixture("events.jsonl"), "events.jsonl");
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_EQ(e->size(), 43u);
  EXPECT_EQ((*e)[0].type, "init");
  EXPECT_EQ((*e)[0].task, "");
  EXPECT_EQ((*e)[1].task, "T1");
  EXPECT_EQ((*e)[1].origin, "events.jsonl line 2");
  EXPECT_EQ((*e)[42].type, "run-mode");
  EXPECT_EQ((*e)[42].status, "drain");
}

TEST(PredecessorEvents, BadLinesNameTheFileAndLine) {
  const std::string ok =
      R"({"at":"2026-11-20T22:01:00Z","type":"record-task","status":"active","taskId":"T1"})";
  auto refused = [&](const std::string& line, const std::string& names) {
    auto e = ParseEvents(ok + "\n\n" + line + "\n", "ev.jsonl");
    ASSERT_FALSE(e.ok()) << line;
    EXPECT_TRUE(absl::IsInvalidArgument(e.status()));
    EXPECT_NE(e.status().message().find(names), std::string::npos) << e.status().message();
  };
  refused(R"({"at":"2026-11-20T22:02:00Z","type":"review",)", "ev.jsonl: line 3, column");
  refused(R"({"at":"2026-11-20T22:02:00Z","type":"review","taskId":2})",
          "ev.jsonl line 3: \"taskId\": number where a string belongs");
  refused(R"({"at":"2026-11-20T22:02:00Z","type":"review","status":"done","taskId":"T1"})",
          "ev.jsonl line 3: \"status\": unknown status 'done'");
  refused(R"({"at":"2026-11-20T22:02:00Z","type":"run-mode","status":"stop"})", "unknown run mode 'stop'");
  refused(R"({"type":"review","taskId":"T1"})", "ev.jsonl line 3: no \"at\"");
  refused(R"({"at":"2026-11-20T22:02:00Z","type":"review","taskId":"T\u0007"})",
          "ev.jsonl line 3: \"taskId\": ");
  refused(R"(["not","an","object"])", "ev.jsonl line 3: array where an object belongs");
}

}  // namespace
}  // namespace orch::importer

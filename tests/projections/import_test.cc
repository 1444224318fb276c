// `orch import` through the real binary: a codex-orchestrator history comes
// back field for field in orch's ledger.json (compared with the
// predecessor's own file, independently of orch's code), a second import
// appends nothing, and malformed files are refused with the file and the
// line or field at fault and the log left exactly as it was.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/projections/night_fixture.h"
#include "tests/projections/predecessor_contract.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

using nlohmann::json;

std::string ImportFile(const std::string& name) { return SourceDir() + "/fixtures/import/" + name; }

// The fixture's import ends at 03:10 that night; pages are pinned after it.
constexpr char kImportNow[] = "2026-11-21T04:00:00Z";

class ImportTest : public ::testing::Test {
 protected:
  RunResult Import(std::vector<std::string> args) {
    args.insert(args.begin(), "import");
    return Orch(store_, args);
  }
  RunResult ImportFixture(bool with_events = true) {
    std::vector<std::string> args = {"--ledger", ImportFile("ledger.json")};
    if (with_events) args.insert(args.end(), {"--events", ImportFile("events.jsonl")});
    return Import(args);
  }
  json Ledger() {
    RunResult r = Orch(store_, {"ledger", "--now", kImportNow});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }
  TempDir dir_;
  std::string store_ = dir_.Sub("store");
};

// A string field of the predecessor's task: its value, "" when absent or null.
std::string Str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}
// An RFC3339 time as an instant: the predecessor writes local offsets
// (+01:00), orch writes UTC.
absl::Time Instant(const json& text) {
  absl::Time t;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text.get<std::string>(), &t, &err)) << text << ": " << err;
  return t;
}
std::vector<std::string> Strs(const json& j) {
  std::vector<std::string> out;
  if (j.is_array()) {
    for (const json& x : j) out.push_back(x.get<std::string>());
  }
  return out;
}

// Every task, status, branch, write set, gate, budget, constraint stack,
// pending worktree id and the run mode of the predecessor's ledger, in ours.
void ExpectRoundTrip(const json& theirs, const json& ours) {
  EXPECT_TRUE(ContractViolations(ours).empty());
  for (const char* key : {"projectRoot", "defaultBranch", "remote", "pushPolicy", "createdAt", "dispatchMode",
                          "dispatchNote"}) {
    EXPECT_EQ(ours[key], theirs[key]) << key;
  }
  EXPECT_EQ(ours["maxConcurrency"], theirs["maxConcurrency"]);
  std::map<std::string, json> by_id;
  for (const json& t : ours["tasks"]) by_id[t["id"]] = t;
  ASSERT_EQ(by_id.size(), theirs["tasks"].size());
  for (const json& p : theirs["tasks"]) {
    const std::string id = p["id"];
    SCOPED_TRACE(id);
    ASSERT_EQ(by_id.count(id), 1u);
    const json& o = by_id[id];
    EXPECT_EQ(o["status"], p["status"]);
    for (const char* key : {"title", "packageId", "branch", "baseCommit", "threadId", "worktree"}) {
      EXPECT_EQ(Str(o, key), Str(p, key)) << key;
    }
    // Ledgers keep a pending worktree id only while pending; the history
    // has the one each task was dispatched with.
    std::string pending = Str(p, "pendingWorktreeId");
    for (const json& h : p["history"]) {
      if (pending.empty()) pending = Str(h, "pendingWorktreeId");
    }
    EXPECT_EQ(Str(o, "pendingWorktreeId"), pending);
    EXPECT_EQ(Strs(o["writeSet"]["allowed"]), Strs(p["writeSet"]["allowed"]));
    EXPECT_EQ(Strs(o["writeSet"]["forbidden"]), Strs(p["writeSet"]["forbidden"]));  // null is none
    EXPECT_EQ(Strs(o["gates"]), Strs(p["gates"]));
    EXPECT_EQ(Str(o["evidence"], "expected"), Str(p.value("evidence", json::object()), "expected"));
    if (p.contains("budget")) {
      EXPECT_EQ(o["budget"], p["budget"]);
    } else {
      EXPECT_FALSE(o.contains("budget"));
    }
    if (p.contains("constraintStack")) {
      EXPECT_EQ(o["constraintStack"], p["constraintStack"]);
    } else {
      EXPECT_FALSE(o.contains("constraintStack"));
    }
    // Every step of its history: an entry at that time in that status,
    // with its note.
    for (const json& h : p["history"]) {
      bool found = false;
      for (const json& mine : o["history"]) {
        found = found || (Instant(mine["at"]) == Instant(h["at"]) && mine["status"] == h["status"] &&
                          mine["note"].get<std::string>().find(Str(h, "note")) != std::string::npos);
      }
      EXPECT_TRUE(found) << "history entry " << h.dump();
    }
  }
}

TEST_F(ImportTest, EveryTaskComesBackFieldForField) {
  RunResult r = ImportFixture();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("imported 13 tasks"), std::string::npos) << r.out;
  ExpectRoundTrip(json::parse(ReadFile(ImportFile("ledger.json"))), Ledger());
}

TEST_F(ImportTest, TheLedgerAloneComesBackToo) {
  RunResult r = ImportFixture(/*with_events=*/false);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectRoundTrip(json::parse(ReadFile(ImportFile("ledger.json"))), Ledger());
}

TEST_F(ImportTest, LedgerAfterTheImportIsTheGolden) {
  ASSERT_EQ(ImportFixture().exit_code, 0);
  RunResult r = Orch(store_, {"ledger", "--now", kImportNow});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectGoldenFixture("import/expected-ledger.json", r.out);
}

TEST_F(ImportTest, ThePredecessorsHistoryIsNoAnomalyOfTheNight) {
  ASSERT_EQ(ImportFixture().exit_code, 0);
  RunResult s = Orch(store_, {"status", "--format", "json", "--now", kImportNow});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const json status = json::parse(s.out);
  EXPECT_EQ(status["anomaliesTotal"], 0);
  EXPECT_TRUE(status["anomalies"].empty()) << status["anomalies"].dump();
  RunResult md = Orch(store_, {"status", "--format", "md", "--now", kImportNow});
  EXPECT_NE(md.out.find("## Anomalies\n\n_none_"), std::string::npos) << md.out;
  // The log still says what the guards found: T12 merged without a review
  // (the lifecycle: observed), and any step a gate would refuse today (the
  // rule's tag: recorded, not refused, being imported history).
  RunResult replay = Orch(store_, {"replay", "--task", "T12", "--format", "jsonl"});
  size_t lifecycle = 0;
  std::istringstream lines(replay.out);
  for (std::string line; std::getline(lines, line);) {
    const json e = json::parse(line);
    if (!e.contains("anomaly")) continue;
    EXPECT_EQ(e["actor"], "importer");
    const std::string anomaly = e["anomaly"];
    if (anomaly.find(" [") != std::string::npos && anomaly.back() == ']') continue;  // a gate's
    ++lifecycle;
    EXPECT_EQ(e["type"], "merged");
    EXPECT_EQ(e["claim"], "observed");
    EXPECT_NE(e["note"].get<std::string>().find("codex-orchestrator status merged"), std::string::npos);
  }
  EXPECT_EQ(lifecycle, 1u);
}

TEST_F(ImportTest, ASecondImportAppendsNothing) {
  ASSERT_EQ(ImportFixture().exit_code, 0);
  const auto before = DumpStore(store_);
  RunResult again =
      Import({"--ledger", ImportFile("ledger.json"), "--events", ImportFile("events.jsonl"), "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const json result = json::parse(again.out);
  EXPECT_EQ(result["appended"], 0);
  EXPECT_EQ(result["duplicates"], result["events"]);
  EXPECT_EQ(DumpStore(store_), before) << "the log changed";
}

TEST_F(ImportTest, ADryRunAppendsNothingAndPrintsWhatEmitWouldAppend) {
  RunResult dry = Import(
      {"--ledger", ImportFile("ledger.json"), "--events", ImportFile("events.jsonl"), "--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_FALSE(std::filesystem::exists(store_)) << "a dry run creates no store";
  // Its lines, emitted, are the import.
  const std::string copy = dir_.Sub("copy");
  EmitLines(copy, {dry.out.substr(0, dry.out.size() - 1)});
  ASSERT_EQ(ImportFixture().exit_code, 0);
  EXPECT_EQ(Orch(copy, {"ledger", "--now", kImportNow}).out,
            Orch(store_, {"ledger", "--now", kImportNow}).out);
}

TEST_F(ImportTest, AStoreThatHasTheTasksAlreadyIsAConflict) {
  ASSERT_EQ(Orch(store_, {"init"}).exit_code, 0);
  ASSERT_EQ(Orch(store_, {"lane", "open", "mine"}).exit_code, 0);
  ASSERT_EQ(Orch(store_, {"emit", "dispatched", "--task", "T5", "--title", "mine", "--package-id", "mine"})
                .exit_code,
            0);
  const auto before = DumpStore(store_);
  RunResult r = ImportFixture();
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("'T5'"), std::string::npos) << r.err;
  EXPECT_EQ(DumpStore(store_), before);
}

// A one-task ledger: T1 dispatched, then made active; `status` is the
// ledger's status for it and `more_history` extra history entries.
std::string OneTaskLedger(const std::string& status, const std::string& more_history = "") {
  return R"({"version":1,"createdAt":"2026-11-20T21:58:00Z","updatedAt":"2026-11-20T23:00:00Z","tasks":[)"
         R"({"id":"T1","status":")" +
         status +
         R"(","title":"Cart total","packageId":"checkout","history":[)"
         R"({"at":"2026-11-20T22:01:00Z","type":"record-task","status":"pending-setup","note":"dispatched"},)"
         R"({"at":"2026-11-20T22:04:00Z","type":"record-task","status":"active","note":"worktree ready"})" +
         more_history + "]}]}";
}

size_t EventCount(const std::string& store) {
  RunResult r = Orch(store, {"replay", "--format", "jsonl"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return static_cast<size_t>(std::count(r.out.begin(), r.out.end(), '\n'));
}

// docs/import.md, "Importing again": the same path with T1 now merged is a
// changed file; the guard would record an observed `merged` (imported
// history) and exit 0, so import refuses it itself: exit 3, nothing
// appended, the message naming the task and the field that changed.
TEST_F(ImportTest, AChangedStatusOfAnImportedTaskIsAConflict) {
  const std::string ledger = dir_.Sub("ledger.json");
  WriteFile(ledger, OneTaskLedger("active"));
  ASSERT_EQ(Import({"--ledger", ledger}).exit_code, 0);
  const size_t events = EventCount(store_);
  ASSERT_GT(events, 0u);
  const auto before = DumpStore(store_);

  WriteFile(ledger, OneTaskLedger("merged"));
  RunResult r = Import({"--ledger", ledger});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("'T1'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tasks[0].status"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "not one line: " << r.err;
  EXPECT_EQ(EventCount(store_), events);
  EXPECT_EQ(DumpStore(store_), before) << "the log changed";
  // The unchanged file is still "already imported".
  WriteFile(ledger, OneTaskLedger("active"));
  EXPECT_EQ(Import({"--ledger", ledger}).exit_code, 0);
  EXPECT_EQ(DumpStore(store_), before);
}

// A legal step is refused too: the contract is "changed files", not
// "forbidden steps" (a history entry added since names its entry).
TEST_F(ImportTest, ANewHistoryEntryOfAnImportedTaskIsAConflict) {
  const std::string ledger = dir_.Sub("ledger.json");
  WriteFile(ledger, OneTaskLedger("active"));
  ASSERT_EQ(Import({"--ledger", ledger}).exit_code, 0);
  const auto before = DumpStore(store_);
  WriteFile(ledger,
            OneTaskLedger("completed-unreviewed", R"(,{"at":"2026-11-20T22:30:00Z","type":"record-task",)"
                                                  R"("status":"completed-unreviewed","note":"done"})"));
  RunResult r = Import({"--ledger", ledger});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("'T1'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tasks[0].history[2]"), std::string::npos) << r.err;
  EXPECT_EQ(DumpStore(store_), before) << "the log changed";
}

class ImportBadInputTest : public ImportTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(Orch(store_, {"init"}).exit_code, 0);
    before_ = DumpStore(store_);
  }
  // Exit 2, one line naming `names`, nothing on stdout, the log unchanged.
  void ExpectRefused(const std::string& ledger_text, const std::string& names,
                     const std::string& events_text = "") {
    const std::string ledger = dir_.Sub("ledger.json");
    WriteFile(ledger, ledger_text);
    std::vector<std::string> args = {"--ledger", ledger};
    if (!events_text.empty()) {
      WriteFile(dir_.Sub("events.jsonl"), events_text);
      args.insert(args.end(), {"--events", dir_.Sub("events.jsonl")});
    }
    RunResult r = Import(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "not one line: " << r.err;
    EXPECT_NE(r.err.find(names), std::string::npos) << "does not name '" << names << "': " << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(DumpStore(store_), before_) << "the log changed";
  }
  std::map<std::string, std::string> before_;
};

TEST_F(ImportBadInputTest, TruncatedJsonNamesTheFileAndLine) {
  const std::string text = ReadFile(ImportFile("ledger.json"));
  const std::string cut = text.substr(0, text.find("\"id\": \"T7\""));
  const int line = static_cast<int>(std::count(cut.begin(), cut.end(), '\n')) + 1;
  ExpectRefused(cut, dir_.Sub("ledger.json") + ": line " + std::to_string(line) + ", column");
}

TEST_F(ImportBadInputTest, AWrongTypeNamesTheField) {
  std::string text = ReadFile(ImportFile("ledger.json"));
  // The fourth task's third history entry gets a number, as orch's own
  // ledger once wrote.
  json doc = json::parse(text);
  doc["tasks"][3]["history"][2]["seq"] = 42;
  ExpectRefused(doc.dump(2), "tasks[3].history[2].seq: number where a string belongs");
}

TEST_F(ImportBadInputTest, AnUnknownStatusNamesTheField) {
  json doc = json::parse(ReadFile(ImportFile("ledger.json")));
  doc["tasks"][5]["status"] = "reviewing";
  ExpectRefused(doc.dump(2), "tasks[5].status: unknown status 'reviewing'");
}

TEST_F(ImportBadInputTest, ABadEventsLineNamesTheFileAndLine) {
  std::string events = ReadFile(ImportFile("events.jsonl"));
  events.insert(events.find('\n', events.find('\n') + 1) + 1,
                R"({"at":"2026-11-20T22:01:30Z","type":"record-task","status":"done","taskId":"T1"})"
                "\n");
  ExpectRefused(ReadFile(ImportFile("ledger.json")), "events.jsonl line 3: \"status\": unknown status 'done'",
                events);
}

// An endless file is refused at the batch limit, not read until
// std::bad_alloc (exit 134): exit 2, one line naming the file and the limit.
TEST_F(ImportBadInputTest, AnEndlessFileIsRefusedAtTheLimit) {
  const std::string ledger = dir_.Sub("ledger.json");
  WriteFile(ledger, OneTaskLedger("active"));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--ledger", "/dev/zero"},
        std::vector<std::string>{"--ledger", ledger, "--events", "/dev/zero"}}) {
    RunResult r = Import(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "not one line: " << r.err;
    EXPECT_NE(r.err.find("'/dev/zero'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("64 MiB"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(DumpStore(store_), before_) << "the log changed";
  }
}

TEST_F(ImportBadInputTest, AMissingFileIsNamed) {
  RunResult r = Import({"--ledger", dir_.Sub("nope.json")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nope.json"), std::string::npos) << r.err;
  EXPECT_EQ(DumpStore(store_), before_);
}

}  // namespace
}  // namespace orch::testing

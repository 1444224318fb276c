// Damage through the real binary: a changed byte in a write-ahead log, and
// an event changed or removed behind orch's back. Nothing may pass as an
// intact, shorter log.
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "eventstore/key_format.h"
#include "eventstore/wal_reader.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "rocksdb/db.h"
#include "tests/support/emit_modes.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

namespace fs = std::filesystem;

std::vector<uint64_t> ReplayedSeqs(const std::string& store, std::vector<std::string>* types = nullptr) {
  RunResult r = Orch(store, {"replay", "--format", "jsonl"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<uint64_t> seqs;
  for (absl::string_view line : absl::StrSplit(r.out, '\n', absl::SkipEmpty())) {
    auto j = nlohmann::json::parse(std::string(line));
    seqs.push_back(j["seq"].get<uint64_t>());
    if (types != nullptr) types->push_back(j["type"]);
  }
  return seqs;
}

int Lines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

class StoreDamageTest : public EmitModeTest {
 protected:
  void SetUp() override {
    EmitModeTest::SetUp();
    store_ = tmp_.Sub("store");
    ASSERT_EQ(Orch(store_, {"init"}).exit_code, 0);
  }
  void Notes(int n) {
    for (int i = 0; i < n; ++i) {
      RunResult r = Orch(store_, {"emit", "note", "--text", "note " + std::to_string(i)});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  // The newest write-ahead log: the last emit's event is in it.
  std::string NewestLog() {
    StopServerOf(store_);
    std::string newest;
    uint64_t number = 0;
    for (const auto& e : fs::directory_iterator(store_)) {
      const std::string stem = e.path().stem().string();
      if (e.path().extension() != ".log" || stem.find_first_not_of("0123456789") != std::string::npos)
        continue;
      const uint64_t n = std::stoull(stem);
      if (n >= number && fs::file_size(e.path()) > 0) number = n, newest = e.path().string();
    }
    return newest;
  }
  // Raw access, as a bad disk or an editor would have.
  void Tamper(const std::function<void(rocksdb::DB*)>& fn) {
    StopServerOf(store_);
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), store_, &db).ok());
    fn(db);
    delete db;
  }
  TempDir tmp_;
  std::string store_;
};

// The tester's case: 21 events, one byte changed inside one *.log file.
// Before, verify said "ok: 20 events" and the next emit reused seq 21.
TEST_P(StoreDamageTest, AChangedByteInTheLogStopsEveryVerbUntilRecoverNamesTheLoss) {
  // The newest log file holds the last event only: a direct emit opens a
  // new one; through the server, a server started for the last emit does.
  Notes(19);
  StopServerOf(store_);
  Notes(1);
  const std::string log = NewestLog();
  ASSERT_FALSE(log.empty());
  {
    std::fstream f(log, std::ios::in | std::ios::out | std::ios::binary);
    const std::streamoff middle = static_cast<std::streamoff>(fs::file_size(log) / 2);
    f.seekg(middle);
    char c = 0;
    f.get(c);
    f.seekp(middle);
    f.put(static_cast<char>(c ^ 0x20));
  }
  const std::string name = fs::path(log).filename().string();
  for (const std::vector<std::string>& verb : {std::vector<std::string>{"emit", "note", "--text", "x"},
                                               {"verify"},
                                               {"status"},
                                               {"replay"},
                                               {"ledger"}}) {
    RunResult r = Orch(store_, verb);
    EXPECT_EQ(r.exit_code, 4) << verb[0] << ": " << r.out << r.err;
    EXPECT_EQ(Lines(r.err), 1) << verb[0] << ": " << r.err;
    EXPECT_NE(r.err.find(name), std::string::npos) << verb[0] << ": " << r.err;
    EXPECT_NE(r.err.find("event 21 cannot be read"), std::string::npos) << verb[0] << ": " << r.err;
    EXPECT_NE(r.err.find("orch recover"), std::string::npos) << verb[0] << ": " << r.err;
  }

  RunResult recover = Orch(store_, {"recover"});
  ASSERT_EQ(recover.exit_code, 0) << recover.err;
  EXPECT_TRUE(recover.err.empty()) << recover.err;
  EXPECT_NE(recover.out.find("could not recover: seq 21\n"), std::string::npos) << recover.out;
  EXPECT_NE(recover.out.find("recorded as seq 22"), std::string::npos) << recover.out;

  RunResult emit = Orch(store_, {"emit", "note", "--text", "after"});
  ASSERT_EQ(emit.exit_code, 0) << emit.err;
  EXPECT_EQ(absl::StripAsciiWhitespace(emit.out), "23");  // 21 is never reused
  RunResult verify = Orch(store_, {"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_NE(verify.out.find("except 1 event lost to damage and acknowledged by `orch recover`: seq 21 "
                            "(recorded at seq 22)"),
            std::string::npos)
      << verify.out;
  std::vector<std::string> types;
  std::vector<uint64_t> want;
  for (uint64_t s = 1; s <= 23; ++s) {
    if (s != 21) want.push_back(s);
  }
  EXPECT_EQ(ReplayedSeqs(store_, &types), want);
  EXPECT_EQ(types[20], "store-recovered");
  // A second recover has nothing to do.
  RunResult again = Orch(store_, {"recover"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("nothing to recover"), std::string::npos) << again.out;
}

// Each emit writes its own log file, so a lost record can sit between
// intact later ones, whose guard rows were folded with the lost event in:
// recover drops them, and verify (which recomputes them) agrees again.
TEST_P(StoreDamageTest, RecoverDropsWhatWasFoldedWithALostEvent) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"package-opened", "--package-id", "work"},
        {"dispatched", "--task", "T1", "--title", "x", "--branch", "task/t1", "--package-id", "work"},
        {"worktree-ready", "--task", "T1", "--worktree", "/wt/t1"},
        {"committed", "--task", "T1", "--commit", "c1"},
        {"gate", "--task", "T1", "--command", "ctest", "--result", "pass", "--label", "local"},
        {"note", "--task", "T1", "--text", "after the gate"}}) {
    std::vector<std::string> emit = {"emit"};
    emit.insert(emit.end(), args.begin(), args.end());
    RunResult r = Orch(store_, emit);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    StopServerOf(store_);  // a server per emit: each writes its own log file, as direct emits do
  }
  ASSERT_EQ(Orch(store_, {"status"}).exit_code, 0);  // a checkpoint at #7
  // The log file holding seq 6 (the gate: the note's guard row folded it in).
  std::string file;
  uint64_t offset = 0;
  for (const auto& e : fs::directory_iterator(store_)) {
    if (e.path().extension() != ".log") continue;
    for (const wal::Record& r : wal::ReadLog(ReadFile(e.path().string())).records) {
      std::vector<wal::BatchEntry> entries;
      if (!wal::ParseBatch(r.batch, &entries)) continue;
      for (const auto& entry : entries) {
        if (entry.put && entry.key == keys::Event(6)) file = e.path().string(), offset = r.offset;
      }
    }
  }
  ASSERT_FALSE(file.empty()) << "seq 6 is no longer in a log file";
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    const auto at = static_cast<std::streamoff>(offset + wal::kHeaderSize + 40);
    f.seekg(at);
    char c = 0;
    f.get(c);
    f.seekp(at);
    f.put(static_cast<char>(c ^ 0x20));
  }
  EXPECT_EQ(Orch(store_, {"verify"}).exit_code, 4);
  RunResult recover = Orch(store_, {"recover"});
  ASSERT_EQ(recover.exit_code, 0) << recover.err;
  EXPECT_NE(recover.out.find("could not recover: seq 6\n"), std::string::npos) << recover.out;
  RunResult verify = Orch(store_, {"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("seq 6 (recorded at seq 8)"), std::string::npos) << verify.out;
  RunResult emit = Orch(store_, {"emit", "note", "--task", "T1", "--text", "after"});
  EXPECT_EQ(emit.exit_code, 0) << emit.err;
  EXPECT_EQ(Orch(store_, {"verify"}).exit_code, 0);
}

TEST_P(StoreDamageTest, StoreRecoveredIsWrittenOnlyByRecover) {
  RunResult r = Orch(store_, {"emit", "--json", R"({"type":"store-recovered","lost":["1"]})"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("only by `orch recover`"), std::string::npos) << r.err;
}

// Before, replay printed an edited event and exited 0.
TEST_P(StoreDamageTest, AnEditedEventStopsReadersUnlessAllowed) {
  Notes(5);
  Tamper([](rocksdb::DB* db) {
    std::string v;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), keys::Event(4), &v).ok());
    const size_t at = v.find("note 2");
    ASSERT_NE(at, std::string::npos);
    v[at + 5] = '7';  // still a valid FlatBuffer
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), keys::Event(4), v).ok());
  });
  for (const std::vector<std::string>& verb : {std::vector<std::string>{"replay"},
                                               {"replay", "--type", "note"},
                                               {"status", "--rebuild"},
                                               {"ledger"}}) {
    RunResult r = Orch(store_, verb);
    EXPECT_EQ(r.exit_code, 4) << verb[0] << ": " << r.out;
    EXPECT_EQ(Lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("event 4 was changed"), std::string::npos) << verb[0] << ": " << r.err;
  }
  RunResult allowed = Orch(store_, {"replay", "--allow-damaged"});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_EQ(Lines(allowed.out), 6);
  EXPECT_NE(allowed.err.find("orch: warning: reading past damage: event 4 was changed"), std::string::npos)
      << allowed.err;
}

// Before, replay and status --rebuild skipped a missing event and exited 0.
TEST_P(StoreDamageTest, AMissingEventStopsReadersUnlessAllowed) {
  Notes(5);
  Tamper([](rocksdb::DB* db) { ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), keys::Event(3)).ok()); });
  for (const std::vector<std::string>& verb : {std::vector<std::string>{"replay"},
                                               {"replay", "--since", "seq:2"},
                                               {"status", "--rebuild"},
                                               {"export", "--dir", tmp_.Sub("out")}}) {
    RunResult r = Orch(store_, verb);
    EXPECT_EQ(r.exit_code, 4) << verb[0] << ": " << r.out;
    EXPECT_EQ(Lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("event 3 is missing"), std::string::npos) << verb[0] << ": " << r.err;
  }
  RunResult allowed = Orch(store_, {"status", "--rebuild", "--allow-damaged"});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_NE(allowed.err.find("warning: reading past damage: event 3 is missing"), std::string::npos)
      << allowed.err;
}

// The last events deleted leave no gap to see; the head still names them.
TEST_P(StoreDamageTest, ADeletedTailStopsReaders) {
  Notes(5);
  Tamper([](rocksdb::DB* db) { ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), keys::Event(6)).ok()); });
  RunResult r = Orch(store_, {"replay"});
  EXPECT_EQ(r.exit_code, 4) << r.out;
  EXPECT_NE(r.err.find("the log ends at event 5 but its head is event 6"), std::string::npos) << r.err;
}

ORCH_BOTH_EMIT_MODES(StoreDamageTest);

}  // namespace
}  // namespace orch::testing

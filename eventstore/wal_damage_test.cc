// A damaged write-ahead log, with real stores: events appended and the
// store closed without a flush (so they are still in the log), one byte
// changed in the file, then opened again.
#include <filesystem>
#include <fstream>

#include "eventstore/env_testing.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "eventstore/key_format.h"
#include "eventstore/logged_event.h"
#include "eventstore/store_recovery.h"
#include "eventstore/verify_report.h"
#include "eventstore/wal_reader.h"
#include "gtest/gtest.h"
#include "schema/event_schema.h"
#include "schema/fb_string.h"
#include "tests/support/test_support.h"

namespace orch {
namespace {

namespace fs = std::filesystem;

class WalDamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = *EventSchema::Load();
    dir_ = tmp_.Sub("store");
    auto store = Open();
    ASSERT_NE(store, nullptr);
    // One Append (one log record) per event, as separate emits do.
    for (int i = 1; i <= 21; ++i) ASSERT_TRUE(store->Append({Note("note " + std::to_string(i))}).ok());
  }

  StoreOptions Options(bool reader = false) {
    StoreOptions o;
    o.env = &env_;
    o.create_if_missing = !reader;
    o.lock_timeout = absl::Seconds(1);
    o.warn = [this](const std::string& w) { warnings_.push_back(w); };
    return o;
  }

  std::unique_ptr<EventWriter> Open() {
    auto s = OpenEventWriter(dir_, Options());
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *std::move(s) : nullptr;
  }

  // The store as a reader or as the writer.
  absl::StatusOr<std::unique_ptr<EventStore>> OpenAs(bool reader) {
    if (reader) return OpenEventReader(dir_, Options(true));
    return OpenEventWriter(dir_, Options());
  }

  AppendRequest Note(const std::string& text) {
    EventContent c;
    c.type = EventType::Note;
    c.payload = {{"text", text}};
    return AppendRequest{*schema_->BuildEvent(c), std::nullopt, std::nullopt};
  }

  // The newest log file and the byte offset of the record holding `seq`.
  std::pair<std::string, uint64_t> RecordOf(uint64_t seq) {
    std::string newest;
    uint64_t number = 0;
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.path().extension() != ".log") continue;
      const uint64_t n = std::stoull(e.path().stem().string());
      if (n >= number) number = n, newest = e.path().string();
    }
    const std::string bytes = testing::ReadFile(newest);
    for (const wal::Record& r : wal::ReadLog(bytes).records) {
      std::vector<wal::BatchEntry> entries;
      EXPECT_TRUE(wal::ParseBatch(r.batch, &entries));
      for (const auto& e : entries) {
        if (e.put && e.key == keys::Event(seq)) return {newest, r.offset};
      }
    }
    ADD_FAILURE() << "no record holds seq " << seq;
    return {newest, 0};
  }

  void XorByte(const std::string& file, uint64_t offset, uint8_t mask) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    char c = 0;
    f.get(c);
    f.seekp(static_cast<std::streamoff>(offset));
    f.put(static_cast<char>(c ^ mask));
  }

  // Changes one byte in the middle of the record holding `seq`.
  std::string DamageRecordOf(uint64_t seq) {
    auto [file, offset] = RecordOf(seq);
    XorByte(file, offset + wal::kHeaderSize + 60, 0x20);
    return fs::path(file).filename().string();
  }

  std::vector<uint64_t> Seqs(EventStore& store) {
    std::vector<uint64_t> seqs;
    EXPECT_TRUE(store
                    .Scan(EventQuery{},
                          [&](const LoggedEvent& e) {
                            seqs.push_back(e.seq());
                            return true;
                          })
                    .ok());
    return seqs;
  }

  testing::TempDir tmp_;
  std::string dir_;
  FakeEnv env_{1'795'600'000'000'000'000};
  std::unique_ptr<EventSchema> schema_;
  std::vector<std::string> warnings_;
};

TEST_F(WalDamageTest, AChangedByteRefusesEveryOpenNamingTheFileAndTheEvent) {
  const std::string file = DamageRecordOf(19);
  for (bool reader : {false, true}) {
    auto s = OpenAs(reader);
    ASSERT_TRUE(absl::IsDataLoss(s.status())) << (reader ? "reader: " : "writer: ") << s.status();
    const std::string msg(s.status().message());
    EXPECT_NE(msg.find(file), std::string::npos) << msg;
    EXPECT_NE(msg.find("event 19 cannot be read"), std::string::npos) << msg;
    EXPECT_NE(msg.find("orch recover"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
  }
}

TEST_F(WalDamageTest, ADamagedLastRecordIsNamedToo) {
  DamageRecordOf(21);
  auto s = OpenEventWriter(dir_, Options());
  ASSERT_TRUE(absl::IsDataLoss(s.status())) << s.status();
  EXPECT_NE(s.status().message().find("event 21 cannot be read"), std::string::npos) << s.status();
}

// RocksDB's kTolerateCorruptedTailRecords takes a record whose length runs
// past the end of the file for a torn tail and drops what follows.
TEST_F(WalDamageTest, ADamagedLengthInTheLastBlockIsNotTakenForATornTail) {
  auto [file, offset] = RecordOf(19);
  XorByte(file, offset + 5, 0x70);  // the length's high byte
  for (bool reader : {false, true}) {
    auto s = OpenAs(reader);
    ASSERT_TRUE(absl::IsDataLoss(s.status())) << s.status();
    EXPECT_NE(s.status().message().find("event 19 cannot be read"), std::string::npos) << s.status();
  }
}

// A crash between write and sync leaves a record cut short at the end of
// the log: that event was never acknowledged, and the store opens.
TEST_F(WalDamageTest, ATornTailIsNotDamage) {
  auto [file, offset] = RecordOf(21);
  fs::resize_file(file, offset + 40);
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(Seqs(*store).size(), 20u);
  auto r = store->Append({Note("after the crash")});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)[0].seq, 21u);
  EXPECT_TRUE(store->Verify(nullptr)->intact());
}

TEST_F(WalDamageTest, RecoverKeepsEveryIntactEventAndNamesTheLostOne) {
  DamageRecordOf(19);
  auto report = RecoverStore(dir_, Options());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->damaged);
  EXPECT_EQ(report->lost, std::vector<uint64_t>({19}));
  // RocksDB drops the rest of the 32 KiB block after a bad record: 20 and
  // 21 come back from their intact records.
  EXPECT_EQ(report->salvaged, std::vector<uint64_t>({20, 21}));
  EXPECT_EQ(report->recorded_seq, 22u);
  EXPECT_TRUE(fs::exists(report->preserved_in)) << report->preserved_in;

  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto verify = store->Verify(nullptr);
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->intact()) << verify->problem;
  ASSERT_EQ(verify->acknowledged.size(), 1u);
  EXPECT_EQ(verify->acknowledged[0].from, 19u);
  EXPECT_EQ(verify->acknowledged[0].to, 19u);
  EXPECT_EQ(verify->acknowledged[0].recorded_at, 22u);
  auto r = store->Append({Note("after recovery")});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)[0].seq, 23u);
  std::vector<uint64_t> want;
  for (uint64_t s = 1; s <= 23; ++s) {
    if (s != 19) want.push_back(s);
  }
  EXPECT_EQ(Seqs(*store), want);
  auto recorded = store->Get(22);
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ(recorded->type(), EventType::StoreRecovered);
  EXPECT_EQ(FbStr(recorded->event().payload_as_StoreRecovered()->lost()->Get(0)), "19");
}

TEST_F(WalDamageTest, RecoverAfterADamagedLastRecordNeverReusesItsSeq) {
  DamageRecordOf(21);
  auto report = RecoverStore(dir_, Options());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->lost, std::vector<uint64_t>({21}));
  EXPECT_EQ(report->recorded_seq, 22u);
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->Verify(nullptr)->intact());
  EXPECT_EQ((*store->Append({Note("next")}))[0].seq, 23u);
}

TEST_F(WalDamageTest, RecoverNamesEverythingAfterTheLastIntactEventWhenTheBytesNameNothing) {
  auto [file, offset] = RecordOf(21);
  const uint64_t size = fs::file_size(file);
  for (uint64_t at = offset + wal::kHeaderSize; at < size; ++at) XorByte(file, at, 0x5a);
  auto s = OpenEventWriter(dir_, Options());
  ASSERT_TRUE(absl::IsDataLoss(s.status())) << s.status();
  EXPECT_NE(s.status().message().find("everything after seq 20"), std::string::npos) << s.status();
  auto report = RecoverStore(dir_, Options());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->lost.empty());
  EXPECT_TRUE(report->lost_unknown);
  EXPECT_EQ(report->lost_after, 20u);
  EXPECT_TRUE(Open()->Verify(nullptr)->intact());
}

TEST_F(WalDamageTest, RecoverLeavesAnIntactStoreAsItWas) {
  const auto before = testing::DumpStore(dir_);
  auto report = RecoverStore(dir_, Options());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->damaged);
  EXPECT_EQ(testing::DumpStore(dir_), before);
}

}  // namespace
}  // namespace orch

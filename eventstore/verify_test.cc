// Verify catches changed and removed events, tampering with RocksDB directly.
#include "eventstore/env_testing.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "eventstore/key_format.h"
#include "eventstore/logged_event.h"
#include "eventstore/sha256.h"
#include "eventstore/verify_report.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "schema/event_schema.h"
#include "tests/support/test_support.h"

namespace orch {
namespace {

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.Sub("store");
    auto schema = *EventSchema::Load();
    auto store = Open();
    std::vector<AppendRequest> batch;
    for (int i = 0; i < 6; ++i) {
      EventContent c;
      c.type = EventType::Note;
      c.payload = {{"text", "note " + std::to_string(i)}};
      batch.push_back(AppendRequest{*schema->BuildEvent(c), std::nullopt, std::nullopt});
    }
    ASSERT_TRUE(store->Append(std::move(batch)).ok());
  }

  std::unique_ptr<EventWriter> Open() {
    StoreOptions o;
    o.env = &env_;
    o.create_if_missing = true;
    return *OpenEventWriter(dir_, o);
  }

  // Raw access, as an attacker or a bad disk would have.
  void Tamper(const std::function<void(rocksdb::DB*)>& fn) {
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir_, &db).ok());
    fn(db);
    delete db;
  }

  testing::TempDir tmp_;
  std::string dir_;
  FakeEnv env_{1'795'600'000'000'000'000};
};

TEST_F(VerifyTest, IntactLogVerifies) {
  auto r = Open()->Verify(nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->intact()) << r->problem;
  EXPECT_EQ(r->checked, 6u);
}

TEST_F(VerifyTest, ChangedBytesAreCaughtAtTheirSequence) {
  Tamper([](rocksdb::DB* db) {
    std::string v;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), keys::Event(3), &v).ok());
    const size_t at = v.find("note 2");
    ASSERT_NE(at, std::string::npos);
    v[at + 5] = '9';  // "note 2" -> "note 9": still a valid FlatBuffer
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), keys::Event(3), v).ok());
  });
  auto r = Open()->Verify(nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->intact());
  EXPECT_EQ(r->first_bad_seq, 3u) << r->problem;
  EXPECT_NE(r->problem.find("changed"), std::string::npos);
}

TEST_F(VerifyTest, RewrittenHashIsCaughtByTheChain) {
  // Recompute the hash of a changed record: the next event no longer chains.
  Tamper([](rocksdb::DB* db) {
    std::string v;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), keys::Event(2), &v).ok());
    std::string record = v.substr(32);
    record[record.find("note 1") + 5] = '7';
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), keys::Event(2), Sha256(record) + record).ok());
  });
  auto r = Open()->Verify(nullptr);
  EXPECT_EQ(r->first_bad_seq, 3u) << r->problem;
}

TEST_F(VerifyTest, DeletedEventIsCaught) {
  Tamper([](rocksdb::DB* db) { ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), keys::Event(4)).ok()); });
  auto r = Open()->Verify(nullptr);
  EXPECT_EQ(r->first_bad_seq, 4u) << r->problem;
  EXPECT_NE(r->problem.find("missing"), std::string::npos);
}

TEST_F(VerifyTest, DeletedTailIsCaughtThroughTheHead) {
  Tamper([](rocksdb::DB* db) { ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), keys::Event(6)).ok()); });
  auto r = Open()->Verify(nullptr);
  EXPECT_EQ(r->first_bad_seq, 6u) << r->problem;
}

TEST_F(VerifyTest, GarbageRecordIsDataLossNotACrash) {
  Tamper([](rocksdb::DB* db) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), keys::Event(5), std::string(40, '\x7f')).ok());
  });
  auto store = Open();
  auto r = store->Verify(nullptr);
  EXPECT_EQ(r->first_bad_seq, 5u) << r->problem;
  EXPECT_TRUE(absl::IsDataLoss(store->Get(5).status()));
}

}  // namespace
}  // namespace orch

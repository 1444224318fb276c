// EventStore against real RocksDB stores in temporary directories.
#include "eventstore/event_store.h"

#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

#include "eventstore/append_guard.h"
#include "eventstore/checkpoint_store.h"
#include "eventstore/env_testing.h"
#include "eventstore/event_writer.h"
#include "eventstore/guard_rows.h"
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

constexpr int64_t kStart = 1'795'600'000'000'000'000;  // 2026-11-25, a fixed night
constexpr int64_t kMinute = 60'000'000'000;

class EventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = *EventSchema::Load();
    dir_ = tmp_.Sub("store");
  }

  std::unique_ptr<EventWriter> Open(absl::Duration lock_timeout = absl::Seconds(1)) {
    StoreOptions o;
    o.env = &env_;
    o.create_if_missing = true;
    o.lock_timeout = lock_timeout;
    auto s = OpenEventWriter(dir_, o);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *std::move(s) : nullptr;
  }

  AppendRequest Req(EventType type, const std::string& task,
                    nlohmann::json payload = nlohmann::json::object(), const std::string& key = "") {
    EventContent c;
    c.type = type;
    c.task = task;
    c.payload = std::move(payload);
    c.idempotency_key = key;
    AppendRequest r;
    auto bytes = schema_->BuildEvent(c);
    EXPECT_TRUE(bytes.ok()) << bytes.status();
    r.event = *bytes;
    return r;
  }

  testing::TempDir tmp_;
  std::string dir_;
  FakeEnv env_{kStart};
  std::unique_ptr<EventSchema> schema_;
};

TEST_F(EventStoreTest, AppendAssignsGapFreeSequenceVersionsAndChain) {
  auto store = Open();
  std::vector<AppendRequest> batch;
  batch.push_back(Req(EventType::Dispatched, "T1", {{"title", "a"}}));
  batch.push_back(Req(EventType::Dispatched, "T2", {{"title", "b"}}));
  batch.push_back(Req(EventType::WorktreeReady, "T1"));
  batch.push_back(Req(EventType::Heartbeat, "", {{"source", "cron"}}));
  auto results = store->Append(std::move(batch));
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), 4u);
  EXPECT_EQ((*results)[0].seq, 1u);
  EXPECT_EQ((*results)[3].seq, 4u);
  EXPECT_EQ((*results)[0].version, 1u);
  EXPECT_EQ((*results)[1].version, 1u);
  EXPECT_EQ((*results)[2].version, 2u);
  EXPECT_EQ((*results)[3].version, 0u);  // project-level

  std::string prev(kHashSize, '\0');
  for (uint64_t seq = 1; seq <= 4; ++seq) {
    auto e = store->Get(seq);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->seq(), seq);
    EXPECT_EQ(std::string(e->prev_hash()), prev);
    EXPECT_EQ(std::string(e->hash()), Sha256(e->record_bytes()));
    EXPECT_EQ(std::string(e->hash()), (*results)[seq - 1].hash);
    prev = std::string(e->hash());
  }
  EXPECT_EQ(store->head().seq, 4u);
  EXPECT_EQ(store->head().hash, prev);
  EXPECT_EQ(*store->TaskVersion("T1"), 2u);
  EXPECT_EQ(*store->TaskVersion("T3"), 0u);
}

TEST_F(EventStoreTest, SurvivesReopen) {
  {
    auto store = Open();
    ASSERT_TRUE(store->Append({Req(EventType::Dispatched, "T1")}).ok());
  }
  auto store = Open();
  EXPECT_EQ(store->head().seq, 1u);
  auto r = store->Append({Req(EventType::Committed, "T1", {{"commit", "abc"}})});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].seq, 2u);
  EXPECT_EQ((*r)[0].version, 2u);
}

// Every index agrees with a brute-force filter over the whole log.
TEST_F(EventStoreTest, EveryIndexReturnsExactlyTheMatchingEvents) {
  auto store = Open();
  const std::vector<std::string> tasks = {"T1", "T2", "T3", ""};
  const std::vector<EventType> types = {EventType::Note, EventType::Gate, EventType::Heartbeat};
  std::vector<AppendRequest> batch;
  for (int i = 0; i < 120; ++i) {
    AppendRequest r = Req(types[i % 3], tasks[i % 4]);
    // Times mostly rise but some are backdated, as `--at` allows.
    r.at_ns = kStart + (i % 7 == 0 ? i - 30 : i) * kMinute;
    batch.push_back(std::move(r));
  }
  ASSERT_TRUE(store->Append(std::move(batch)).ok());
  auto all = store->Read(EventQuery{});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 120u);

  auto expect_same = [&](const EventQuery& q) {
    std::vector<uint64_t> want;
    for (const auto& e : *all) {
      bool ok = e.seq() >= q.from_seq && e.seq() <= q.to_seq;
      ok = ok && (!q.task || e.task() == *q.task);
      ok = ok && (!q.since_ns || e.time_ns() >= *q.since_ns);
      ok = ok && (!q.until_ns || e.time_ns() < *q.until_ns);
      ok = ok && (q.types.empty() || std::count(q.types.begin(), q.types.end(), e.type()) > 0);
      if (ok) want.push_back(e.seq());
    }
    auto got = store->Read(q);
    ASSERT_TRUE(got.ok());
    std::vector<uint64_t> seqs;
    for (const auto& e : *got) seqs.push_back(e.seq());
    EXPECT_EQ(seqs, want);
    EXPECT_FALSE(want.empty());
  };
  EventQuery q;
  q.task = "T2";
  expect_same(q);
  q = EventQuery{};
  q.since_ns = kStart + 20 * kMinute;
  q.until_ns = kStart + 50 * kMinute;
  expect_same(q);
  q = EventQuery{};
  q.types = {EventType::Gate};
  expect_same(q);
  q.types = {EventType::Gate, EventType::Heartbeat};
  q.from_seq = 10;
  q.to_seq = 90;
  expect_same(q);
  q = EventQuery{};
  q.task = "T1";
  q.types = {EventType::Note};
  q.since_ns = kStart + 10 * kMinute;
  expect_same(q);
  q = EventQuery{};
  q.from_seq = 100;
  expect_same(q);
  q = EventQuery{};
  q.task = "";  // project-level events have no task index row
  q.types = {EventType::Heartbeat};
  auto none = store->Read(q);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(EventStoreTest, IdempotentRetryReturnsTheFirstResultAndAppendsNothing) {
  auto store = Open();
  auto first = store->Append({Req(EventType::Dispatched, "T1", {{"title", "x"}}, "key-1")});
  ASSERT_TRUE(first.ok());
  env_.Advance(kMinute);  // a retry comes later: same content, other time
  auto again = store->Append({Req(EventType::Dispatched, "T1", {{"title", "x"}}, "key-1")});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE((*again)[0].duplicate);
  EXPECT_EQ((*again)[0].seq, (*first)[0].seq);
  EXPECT_EQ((*again)[0].hash, (*first)[0].hash);
  EXPECT_EQ(store->head().seq, 1u);

  auto conflict = store->Append({Req(EventType::Dispatched, "T1", {{"title", "other"}}, "key-1")});
  EXPECT_TRUE(absl::IsAborted(conflict.status())) << conflict.status();
  EXPECT_EQ(store->head().seq, 1u);
}

TEST_F(EventStoreTest, ExpectedVersionMismatchIsAConflictAndAppendsNothing) {
  auto store = Open();
  ASSERT_TRUE(store->Append({Req(EventType::Dispatched, "T1")}).ok());
  AppendRequest ok = Req(EventType::Committed, "T1");
  ok.expected_version = 1;
  ASSERT_TRUE(store->Append({ok}).ok());
  AppendRequest stale = Req(EventType::Committed, "T1");
  stale.expected_version = 1;
  auto r = store->Append({Req(EventType::Note, ""), stale});
  EXPECT_TRUE(absl::IsAborted(r.status())) << r.status();
  EXPECT_EQ(store->head().seq, 2u);  // the note in the same batch did not land either
}

TEST_F(EventStoreTest, RejectsOversizedAndMalformedEvents) {
  auto store = Open();
  auto big = Req(EventType::Note, "", {{"text", std::string(kMaxEventBytes, 'x')}});
  EXPECT_TRUE(absl::IsInvalidArgument(store->Append({big}).status()));
  AppendRequest junk;
  junk.event = "not a flatbuffer";
  EXPECT_TRUE(absl::IsInvalidArgument(store->Append({junk}).status()));
  EXPECT_EQ(store->head().seq, 0u);
}

class RefuseGateGuard : public AppendGuard {
 public:
  absl::StatusOr<GuardOutcome> Check(const EventStore&, const std::vector<LoggedEvent>& pending) override {
    GuardOutcome out;
    for (const auto& e : pending) {
      if (e.type() == EventType::Gate) return absl::AbortedError("no gates today");
      out.anomalies.push_back(e.type() == EventType::Merged ? "merged too early" : "");
    }
    out.state.emplace_back("seen", std::to_string(pending.back().seq()));
    return out;
  }
};

TEST_F(EventStoreTest, GuardCanRefuseABatchOrMarkAnomalies) {
  auto store = Open();
  RefuseGateGuard guard;
  auto refused = store->Append({Req(EventType::Note, ""), Req(EventType::Gate, "T1")}, &guard);
  EXPECT_TRUE(absl::IsAborted(refused.status()));
  EXPECT_EQ(store->head().seq, 0u);
  EXPECT_TRUE(absl::IsNotFound(GuardRows::Get(*store, "seen").status()));
  auto r = store->Append({Req(EventType::Note, ""), Req(EventType::Merged, "T1")}, &guard);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[1].anomaly, "merged too early");
  EXPECT_EQ(std::string(store->Get(2)->anomaly()), "merged too early");
  EXPECT_EQ(std::string(store->Get(1)->anomaly()), "");
  EXPECT_EQ(*GuardRows::Get(*store, "seen"), "2");  // written with the batch
  EXPECT_TRUE(absl::IsNotFound(GuardRows::Get(*store, "other").status()));
  EXPECT_TRUE(store->Verify(nullptr)->intact());
}

TEST_F(EventStoreTest, AllowsOnlyOneOpenAtATimeAndTimesOutClearly) {
  auto first = Open();
  StoreOptions o;
  o.env = &env_;
  o.lock_timeout = absl::Milliseconds(50);  // the fake clock makes the wait instant
  auto second = OpenEventWriter(dir_, o);
  ASSERT_TRUE(absl::IsUnavailable(second.status())) << second.status();
  EXPECT_NE(second.status().message().find("locked"), std::string::npos);
}

TEST_F(EventStoreTest, FollowerReadsWhileTheWriterHoldsTheStore) {
  auto writer = Open();
  ASSERT_TRUE(writer->Append({Req(EventType::Note, "")}).ok());
  StoreOptions o;
  o.env = &env_;
  auto follower = OpenEventReader(dir_, o);
  ASSERT_TRUE(follower.ok()) << follower.status();
  EXPECT_EQ((*follower)->head().seq, 1u);
  ASSERT_TRUE(writer->Append({Req(EventType::Note, "")}).ok());
  ASSERT_TRUE((*follower)->CatchUp().ok());
  EXPECT_EQ((*follower)->head().seq, 2u);
  // A reader is no EventWriter to its callers; cast to one (the
  // implementation is one class) it still cannot append.
  auto* cast = dynamic_cast<EventWriter*>(follower->get());
  ASSERT_NE(cast, nullptr);
  EXPECT_FALSE(cast->Append({Req(EventType::Note, "")}).ok());
}

TEST_F(EventStoreTest, NewerFormatIsRefusedWithAClearError) {
  { Open(); }
  {
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir_, &db).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), keys::kFormat, "2").ok());
    delete db;
  }
  StoreOptions o;
  o.env = &env_;
  auto s = OpenEventWriter(dir_, o);
  ASSERT_TRUE(absl::IsFailedPrecondition(s.status()));
  EXPECT_NE(s.status().message().find("newer"), std::string::npos) << s.status();
}

TEST_F(EventStoreTest, MissingStoreIsAFailedPrecondition) {
  StoreOptions o;
  o.env = &env_;
  auto s = OpenEventWriter(tmp_.Sub("nowhere"), o);
  EXPECT_TRUE(absl::IsFailedPrecondition(s.status())) << s.status();
}

TEST_F(EventStoreTest, CheckpointsAreFoundAtOrBeforeASequence) {
  auto store = Open();
  std::vector<AppendRequest> batch;
  for (int i = 0; i < 30; ++i) batch.push_back(Req(EventType::Note, ""));
  ASSERT_TRUE(store->Append(std::move(batch)).ok());
  ASSERT_TRUE(CheckpointStore(*store).Put("status", 10, "ten").ok());
  ASSERT_TRUE(CheckpointStore(*store).Put("status", 20, "twenty").ok());
  ASSERT_TRUE(CheckpointStore(*store).Put("other", 15, "x").ok());
  EXPECT_EQ(CheckpointStore(*store).Get("status", 19)->second, "ten");
  EXPECT_EQ(CheckpointStore(*store).Get("status", 25)->first, 20u);
  EXPECT_TRUE(absl::IsNotFound(CheckpointStore(*store).Get("status", 9).status()));
  EXPECT_TRUE(absl::IsNotFound(CheckpointStore(*store).Get("none", 100).status()));
  ASSERT_TRUE(CheckpointStore(*store).Put("status", 30, "thirty").ok());
  EXPECT_EQ(*CheckpointStore(*store).List("status"), std::vector<uint64_t>({10, 20, 30}));
  // Keep the newest one before 30 (20); drop 10; leave 30 and other names alone.
  ASSERT_TRUE(CheckpointStore(*store).Prune("status", 30, 1).ok());
  EXPECT_TRUE(absl::IsNotFound(CheckpointStore(*store).Get("status", 19).status()));
  EXPECT_EQ(CheckpointStore(*store).Get("status", 29)->second, "twenty");
  EXPECT_EQ(CheckpointStore(*store).Get("status", 99)->second, "thirty");
  EXPECT_EQ(CheckpointStore(*store).Get("other", 99)->second, "x");
  EXPECT_EQ(*CheckpointStore(*store).List("status"), std::vector<uint64_t>({20, 30}));
  // A checkpoint needs its event (it is bound to it) and a plain name.
  EXPECT_TRUE(absl::IsNotFound(CheckpointStore(*store).Put("status", 31, "y")));
  EXPECT_TRUE(absl::IsInvalidArgument(CheckpointStore(*store).Put("../x", 5, "y")));
  // Files beside the log, private to the owner; no rows in RocksDB.
  const std::string file = dir_ + "/checkpoints/status.00000000000000000030";
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::group_all,
            std::filesystem::perms::none);
  store.reset();
  for (const auto& [key, value] : testing::DumpStore(dir_)) EXPECT_NE(key[0], keys::kCheckpointPrefix);
}

// A checkpoint folded from another chain (another store, or this one before
// a recovery) must not be used: its recorded hash does not match the log.
TEST_F(EventStoreTest, ACheckpointThatDoesNotMatchTheLogIsIgnoredWithAWarning) {
  std::vector<std::string> warnings;
  StoreOptions o;
  o.env = &env_;
  o.create_if_missing = true;
  o.warn = [&warnings](const std::string& w) { warnings.push_back(w); };
  auto other = OpenEventWriter(tmp_.Sub("other"), o);
  ASSERT_TRUE(other.ok());
  auto store = OpenEventWriter(dir_, o);
  ASSERT_TRUE(store.ok());
  for (auto* s : {&*other, &*store}) {
    std::vector<AppendRequest> batch;
    for (int i = 0; i < 20; ++i)
      batch.push_back(Req(EventType::Note, "", {{"text", s == &*other ? "a" : "b"}}));
    ASSERT_TRUE((*s)->Append(std::move(batch)).ok());
  }
  ASSERT_TRUE(CheckpointStore(**store).Put("model", 5, "mine at 5").ok());
  ASSERT_TRUE(CheckpointStore(**other).Put("model", 10, "theirs at 10").ok());
  std::filesystem::copy_file(tmp_.Sub("other") + "/checkpoints/model.00000000000000000010",
                             dir_ + "/checkpoints/model.00000000000000000010");
  auto cp = CheckpointStore(**store).Get("model", 20);
  ASSERT_TRUE(cp.ok()) << cp.status();
  EXPECT_EQ(cp->first, 5u);
  EXPECT_EQ(cp->second, "mine at 5");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("model.00000000000000000010"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("does not match event 10"), std::string::npos) << warnings[0];
}

TEST_F(EventStoreTest, AReaderWritesCheckpointsWhileAWriterHoldsTheStore) {
  auto writer = Open();
  ASSERT_TRUE(writer->Append({Req(EventType::Note, "")}).ok());
  StoreOptions o;
  o.env = &env_;
  auto reader = OpenEventReader(dir_, o);
  ASSERT_TRUE(reader.ok()) << reader.status();
  ASSERT_TRUE(CheckpointStore(**reader).Put("model", 1, "one").ok());
  EXPECT_EQ(CheckpointStore(*writer).Get("model", 1)->second, "one");
}

// Readers never take the writer's lock: a writer that will not wait at all
// still gets in while readers are open.
TEST_F(EventStoreTest, ReadersNeverHoldAWriterBack) {
  { Open(); }
  StoreOptions o;
  o.env = &env_;
  auto reader1 = OpenEventReader(dir_, o);
  auto reader2 = OpenEventReader(dir_, o);
  ASSERT_TRUE(reader1.ok() && reader2.ok());
  auto writer = Open(absl::ZeroDuration());
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Append({Req(EventType::Note, "")}).ok());
  ASSERT_TRUE((*reader1)->CatchUp().ok());
  EXPECT_EQ((*reader1)->head().seq, 1u);
}

// A waiting writer is woken by the release itself and gets the store.
TEST_F(EventStoreTest, AWaitingWriterGetsTheStoreWhenTheHolderCloses) {
  auto first = Open();
  ASSERT_TRUE(first->Append({Req(EventType::Note, "")}).ok());
  absl::StatusOr<std::unique_ptr<EventWriter>> second = absl::UnknownError("not yet");
  std::thread waiter([&] {
    StoreOptions o;
    o.env = &env_;
    o.lock_timeout = absl::Seconds(60);
    second = OpenEventWriter(dir_, o);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let it queue (not an assertion)
  first.reset();
  waiter.join();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*second)->head().seq, 1u);
}

// Each reader keeps its RocksDB secondary files under <store>/readers/ and
// removes them when it closes; what a killed reader left is removed by the
// next reader.
TEST_F(EventStoreTest, ReadersCleanUpAfterThemselvesAndAfterDeadReaders) {
  { Open(); }
  const std::string readers = dir_ + "/readers";
  std::filesystem::create_directories(readers + "/999999999.deadbeef");  // no such pid
  StoreOptions o;
  o.env = &env_;
  {
    auto reader = OpenEventReader(dir_, o);
    ASSERT_TRUE(reader.ok()) << reader.status();
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(readers)) {
      ++n;
      EXPECT_EQ(e.path().filename().string().rfind(std::to_string(getpid()) + ".", 0), 0u) << e.path();
    }
    EXPECT_EQ(n, 1u);
  }
  EXPECT_TRUE(std::filesystem::is_empty(readers));
}

// Opening and appending many times must not leave a file per open.
TEST_F(EventStoreTest, StoreDirectoryDoesNotGrowPerOpen) {
  auto count = [this](const std::string& ext) {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      n += ext.empty() || e.path().extension() == ext ? 1 : 0;
    }
    return n;
  };
  size_t most = 0, most_wals = 0;
  for (int i = 0; i < 400; ++i) {
    ASSERT_TRUE(Open()->Append({Req(EventType::Note, "")}).ok());
    most = std::max(most, count(""));
    most_wals = std::max(most_wals, count(".log"));
  }
  // A constant bound, far below one file per open: the fixed files
  // (CURRENT, IDENTITY, LOCK, MANIFEST, two OPTIONS), at most 8 live WALs
  // (+1 being written) and the level-0 files awaiting compaction (8) plus
  // level 1.
  EXPECT_LE(most_wals, 10u);
  EXPECT_LE(most, 30u);
  // Compactions finish even though each process lives a few milliseconds:
  // level-0 files do not pile up.
  EXPECT_LE(count(".sst"), 12u);
  EXPECT_EQ(Open()->head().seq, 400u);
}

}  // namespace
}  // namespace orch

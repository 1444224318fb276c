// Group commit: concurrent Appends share one synced write, each checked and
// answered as if it ran alone.
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "eventstore/append_guard.h"
#include "eventstore/env_testing.h"
#include "eventstore/event_store.h"
#include "eventstore/guard_rows.h"
#include "eventstore/logged_event.h"
#include "eventstore/store_testing.h"
#include "eventstore/verify_report.h"
#include "gtest/gtest.h"
#include "schema/event_schema.h"
#include "tests/support/test_support.h"

namespace orch {
namespace {

constexpr int64_t kStart = 1'795'600'000'000'000'000;

// Records the head a check saw; refuses when told to; may hold its check
// until released (so later writers queue behind it).
class ProbeGuard : public AppendGuard {
 public:
  explicit ProbeGuard(bool refuse = false, bool hold = false) : refuse_(refuse), hold_(hold) {}

  absl::StatusOr<GuardOutcome> Check(const EventStore& store,
                                     const std::vector<LoggedEvent>& pending) override {
    std::unique_lock<std::mutex> l(mu_);
    seen_head_ = store.head().seq;
    checking_ = true;
    cv_.notify_all();
    cv_.wait(l, [this] { return !hold_; });
    if (refuse_) return absl::AbortedError("refused by probe");
    GuardOutcome o;
    o.anomalies.resize(pending.size());
    o.state.emplace_back("probe-" + std::string(pending[0].task()), "x");
    return o;
  }
  bool ReadsProjectEvent(EventType) const override { return false; }

  void WaitChecking() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [this] { return checking_; });
  }
  void Release() {
    std::lock_guard<std::mutex> l(mu_);
    hold_ = false;
    cv_.notify_all();
  }
  uint64_t seen_head() {
    std::lock_guard<std::mutex> l(mu_);
    return seen_head_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool refuse_, hold_;
  bool checking_ = false;
  uint64_t seen_head_ = 0;
};

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = *EventSchema::Load();
    StoreOptions o;
    o.env = &env_;
    o.create_if_missing = true;
    store_ = *OpenEventWriter(tmp_.Sub("store"), o);
    ASSERT_TRUE(testing::SetWriterQueuedHook(*store_, [this](size_t n) {
      std::lock_guard<std::mutex> l(mu_);
      queued_ = n;
      cv_.notify_all();
    }));
  }

  AppendRequest Req(const std::string& task, const std::string& title, const std::string& key = "") {
    EventContent c;
    c.type = EventType::Dispatched;
    c.task = task;
    c.payload = {{"title", title}};
    c.idempotency_key = key;
    AppendRequest r;
    r.event = *schema_->BuildEvent(c);
    return r;
  }

  void WaitQueued(size_t n) {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return queued_ == n; });
  }

  testing::TempDir tmp_;
  FakeEnv env_{kStart};
  std::unique_ptr<EventSchema> schema_;
  std::unique_ptr<EventWriter> store_;
  std::mutex mu_;
  std::condition_variable cv_;
  size_t queued_ = 0;
};

TEST_F(GroupCommitTest, ARefusedAppendInAGroupFailsAloneAndTheOthersShareOneWrite) {
  ProbeGuard hold(false, /*hold=*/true), b_guard, c_guard(/*refuse=*/true), d_guard;
  absl::StatusOr<std::vector<AppendResult>> a, b, c, d;
  std::thread ta([&] { a = store_->Append({Req("A", "a")}, &hold); });
  hold.WaitChecking();  // A leads alone and holds its check
  std::thread tb([&] { b = store_->Append({Req("B", "b")}, &b_guard); });
  WaitQueued(2);
  std::thread tc([&] { c = store_->Append({Req("C", "c")}, &c_guard); });
  WaitQueued(3);
  std::thread td([&] { d = store_->Append({Req("D", "d"), Req("D2", "d2")}, &d_guard); });
  WaitQueued(4);
  hold.Release();
  for (auto* t : {&ta, &tb, &tc, &td}) t->join();

  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ((*a)[0].seq, 1u);
  EXPECT_EQ((*b)[0].seq, 2u);
  EXPECT_TRUE(absl::IsAborted(c.status())) << c.status();
  EXPECT_EQ(c.status().message(), "refused by probe");
  EXPECT_EQ((*d)[0].seq, 3u);  // the refused batch took no sequence number
  EXPECT_EQ((*d)[1].seq, 4u);
  // B, C and D were one group: each was checked on the log as of A, before
  // the group's write (alone, D would have seen B's event).
  EXPECT_EQ(b_guard.seen_head(), 1u);
  EXPECT_EQ(c_guard.seen_head(), 1u);
  EXPECT_EQ(d_guard.seen_head(), 1u);

  EXPECT_EQ(store_->head().seq, 4u);
  EXPECT_EQ(std::string(store_->Get(2)->task()), "B");
  EXPECT_EQ(std::string(store_->Get(3)->task()), "D");
  EXPECT_EQ(std::string(store_->Get(4)->task()), "D2");
  EXPECT_EQ(store_->Get(4)->hash(), (*d)[1].hash);
  EXPECT_TRUE(GuardRows::Get(*store_, "probe-B").ok());
  EXPECT_TRUE(absl::IsNotFound(GuardRows::Get(*store_, "probe-C").status()));
  EXPECT_TRUE(GuardRows::Get(*store_, "probe-D").ok());
  // Each writer's row is bound to the head after its own batch (B: 2, D: 4),
  // not to the group's head: `orch verify` recomputes a row at that seq.
  std::map<std::string, uint64_t> bound;
  ASSERT_TRUE(GuardRows::Scan(*store_, [&](const std::string& key, const std::string&, uint64_t seq) {
                bound[key] = seq;
                return true;
              }).ok());
  EXPECT_EQ(bound, (std::map<std::string, uint64_t>{{"probe-A", 1}, {"probe-B", 2}, {"probe-D", 4}}));
  EXPECT_TRUE(store_->Verify(nullptr)->intact());
}

TEST_F(GroupCommitTest, BatchesThatCouldSeeEachOtherAreNotGrouped) {
  ProbeGuard hold(false, /*hold=*/true), same_task, same_key, other;
  absl::StatusOr<std::vector<AppendResult>> a, b, c, d;
  std::thread ta([&] { a = store_->Append({Req("A", "a")}, &hold); });
  hold.WaitChecking();
  std::thread tb([&] { b = store_->Append({Req("B", "b", "k1")}, &other); });
  WaitQueued(2);
  std::thread tc([&] { c = store_->Append({Req("B", "b2")}, &same_task); });  // B again
  WaitQueued(3);
  std::thread td([&] { d = store_->Append({Req("E", "b", "k1")}, &same_key); });  // key k1 again
  WaitQueued(4);
  hold.Release();
  for (auto* t : {&ta, &tb, &tc, &td}) t->join();
  ASSERT_TRUE(b.ok() && c.ok()) << b.status() << c.status();
  EXPECT_EQ((*c)[0].version, 2u);
  EXPECT_EQ(same_task.seen_head(), (*b)[0].seq);  // checked after B was written
  // Same key, other content: refused as a conflict, as it would be alone.
  EXPECT_TRUE(absl::IsAborted(d.status())) << d.status();
  EXPECT_EQ(store_->head().seq, 3u);
}

TEST_F(GroupCommitTest, ManyThreadsAppendingEachAckIsInTheLog) {
  constexpr int kThreads = 16, kEach = 25;
  std::vector<std::vector<AppendResult>> acks(kThreads);
  // Built up front: EventSchema is not thread-safe.
  std::vector<std::vector<AppendRequest>> reqs(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i) {
      // Every fourth thread shares a task with another: those are never
      // grouped and must still get consecutive versions.
      const std::string task = "T" + std::to_string(t % 4 == 0 ? 0 : t);
      reqs[t].push_back(Req(task, std::to_string(t) + "/" + std::to_string(i)));
    }
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto r = store_->Append({std::move(reqs[t][i])});
        ASSERT_TRUE(r.ok()) << r.status();
        acks[t].push_back((*r)[0]);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<uint64_t> seqs;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i) {
      const AppendResult& ack = acks[t][i];
      EXPECT_TRUE(seqs.insert(ack.seq).second) << "seq " << ack.seq << " acknowledged twice";
      auto e = store_->Get(ack.seq);
      ASSERT_TRUE(e.ok()) << e.status();
      EXPECT_EQ(std::string(e->hash()), ack.hash);
      EXPECT_EQ(std::string(e->event().payload_as_Dispatched()->title()->string_view()),
                std::to_string(t) + "/" + std::to_string(i));
    }
  }
  EXPECT_EQ(seqs.size(), size_t{kThreads * kEach});
  EXPECT_EQ(*seqs.rbegin(), uint64_t{kThreads * kEach});  // gap-free: 1..N, all distinct
  EXPECT_EQ(*store_->TaskVersion("T0"), uint64_t{4 * kEach});
  EXPECT_TRUE(store_->Verify(nullptr)->intact());
}

}  // namespace
}  // namespace orch

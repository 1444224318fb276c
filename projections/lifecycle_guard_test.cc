// The lifecycle guard at append time, against a real store.
#include "projections/lifecycle_guard.h"

#include "gtest/gtest.h"
#include "projections/task_lifecycle.h"
#include "schema/event_schema.h"
#include "tests/support/test_support.h"

namespace orch {
namespace {

class LifecycleGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = *EventSchema::Load();
    StoreOptions o;
    o.env = &env_;
    o.create_if_missing = true;
    store_ = *EventStore::Open(tmp_.Sub("store"), o);
  }

  AppendRequest Req(EventType type, nlohmann::json payload = nlohmann::json::object(),
                    bool observed = false) {
    EventContent c;
    c.type = type;
    c.task = "T1";
    c.claim = observed ? schema::Claim::observed : schema::Claim::reported;
    c.payload = std::move(payload);
    return AppendRequest{*schema_->BuildEvent(c), std::nullopt, std::nullopt};
  }

  absl::Status Guarded(std::vector<AppendRequest> batch) {
    LifecycleGuard guard;
    return store_->Append(std::move(batch), &guard).status();
  }

  testing::TempDir tmp_;
  FakeEnv env_{1'795'600'000'000'000'000};
  std::unique_ptr<EventSchema> schema_;
  std::unique_ptr<EventStore> store_;
};

TEST_F(LifecycleGuardTest, RefusesImpossibleStepsAndUnknownTasks) {
  EXPECT_TRUE(absl::IsNotFound(Guarded({Req(EventType::WorktreeReady)})));
  ASSERT_TRUE(Guarded({Req(EventType::Dispatched), Req(EventType::WorktreeReady)}).ok());
  EXPECT_TRUE(absl::IsAborted(Guarded({Req(EventType::Merged)})));
  EXPECT_TRUE(absl::IsAborted(Guarded({Req(EventType::Dispatched)})));  // twice
  EXPECT_TRUE(absl::IsAborted(Guarded({Req(EventType::Cleaned)})));
  EXPECT_EQ(store_->head().seq, 2u);
}

TEST_F(LifecycleGuardTest, ObservedImpossibleStepIsKeptWithItsAnomaly) {
  ASSERT_TRUE(Guarded({Req(EventType::Dispatched)}).ok());
  LifecycleGuard guard;
  auto r = store_->Append({Req(EventType::Merged, {}, /*observed=*/true)}, &guard);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NE((*r)[0].anomaly.find("only accepted work may be merged"), std::string::npos);
  EXPECT_EQ(FoldTaskLifecycle(*store_, "T1")->state, TaskState::kMerged);
}

// The guard's state row is a shortcut, never the truth: events appended
// without the guard after it are folded in too.
TEST_F(LifecycleGuardTest, StateRowIsCheckedAgainstTheLog) {
  ASSERT_TRUE(Guarded({Req(EventType::Dispatched), Req(EventType::WorktreeReady)}).ok());
  ASSERT_TRUE(store_->GetGuardState("lifecycle/T1").ok());
  // An importer writes straight to the store: completed, reviewed, accepted.
  ASSERT_TRUE(store_
                  ->Append({Req(EventType::Completed), Req(EventType::ReviewStarted),
                            Req(EventType::Reviewed, {{"verdict", "accepted"}})})
                  .ok());
  EXPECT_TRUE(Guarded({Req(EventType::Merged)}).ok()) << "the guard missed events appended without it";
  EXPECT_TRUE(absl::IsAborted(Guarded({Req(EventType::Merged)})));  // merged twice
  EXPECT_EQ(FoldTaskLifecycle(*store_, "T1")->state, TaskState::kMerged);
}

TEST_F(LifecycleGuardTest, EvidenceMayNotOutrunThePassingGates) {
  ASSERT_TRUE(Guarded({Req(EventType::Dispatched), Req(EventType::WorktreeReady), Req(EventType::Completed),
                       Req(EventType::Gate, {{"command", "ctest"}, {"result", "pass"}, {"label", "local"}}),
                       Req(EventType::Gate, {{"command", "e2e"}, {"result", "fail"}, {"label", "direct"}})})
                  .ok());
  EventContent c;
  c.type = EventType::Reviewed;
  c.task = "T1";
  c.evidence = "direct";  // only the failed gate was direct
  c.payload = {{"verdict", "accepted"}};
  EXPECT_TRUE(absl::IsAborted(Guarded({AppendRequest{*schema_->BuildEvent(c), std::nullopt, std::nullopt}})));
  c.evidence = "local";
  EXPECT_TRUE(Guarded({AppendRequest{*schema_->BuildEvent(c), std::nullopt, std::nullopt}}).ok());
}

TEST_F(LifecycleGuardTest, ProjectEventsTakeNoTaskAndTaskEventsNeedOne) {
  EventContent c;
  c.type = EventType::Heartbeat;
  c.task = "T1";
  EXPECT_TRUE(
      absl::IsInvalidArgument(Guarded({AppendRequest{*schema_->BuildEvent(c), std::nullopt, std::nullopt}})));
  c.type = EventType::Committed;
  c.task = "";
  EXPECT_TRUE(
      absl::IsInvalidArgument(Guarded({AppendRequest{*schema_->BuildEvent(c), std::nullopt, std::nullopt}})));
}

}  // namespace
}  // namespace orch

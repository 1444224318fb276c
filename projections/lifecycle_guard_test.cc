// The lifecycle guard at append time, against a real store.
#include "projections/lifecycle_guard.h"

#include "base/time_text.h"
#include "eventstore/env_testing.h"
#include "eventstore/event_writer.h"
#include "eventstore/guard_rows.h"
#include "gtest/gtest.h"
#include "projections/task_fold.h"
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
    store_ = *OpenEventWriter(tmp_.Sub("store"), o);
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

  // An event with the envelope fields the rules look at.
  AppendRequest Ev(EventType type, nlohmann::json payload, const std::string& evidence = "",
                   bool observed = false, const std::string& actor = "", std::optional<int64_t> at = {},
                   const std::string& task = "T1") {
    EventContent c;
    c.type = type;
    c.task = task;
    c.actor = actor;
    c.evidence = evidence;
    c.claim = observed ? schema::Claim::observed : schema::Claim::reported;
    c.payload = std::move(payload);
    return AppendRequest{*schema_->BuildEvent(c), at, std::nullopt};
  }

  // T1 dispatched, set up, completed and accepted (a local gate backs it).
  void Accepted() {
    ASSERT_TRUE(Guarded({Req(EventType::Dispatched), Req(EventType::WorktreeReady), Req(EventType::Completed),
                         Req(EventType::Gate, {{"command", "ctest"}, {"result", "pass"}, {"label", "local"}}),
                         Ev(EventType::Reviewed, {{"verdict", "accepted"}}, "local")})
                    .ok());
  }

  TaskFacts Facts(const std::string& task = "T1") {
    auto f = LoadTaskFacts(*store_, task);
    EXPECT_TRUE(f.ok()) << f.status();
    // The guard's view (row + the log after it) is the same fold.
    auto g = GuardView(*store_, task);
    EXPECT_TRUE(g.ok()) << g.status();
    if (f.ok() && g.ok()) {
      EXPECT_TRUE(*f == *g);
    }
    return f.ok() ? *f : TaskFacts{};
  }

  absl::Status Guarded(std::vector<AppendRequest> batch) {
    LifecycleGuard guard(&env_);
    return store_->Append(std::move(batch), &guard).status();
  }

  testing::TempDir tmp_;
  FakeEnv env_{1'795'600'000'000'000'000};
  std::unique_ptr<EventSchema> schema_;
  std::unique_ptr<EventWriter> store_;
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
  LifecycleGuard guard(&env_);
  auto r = store_->Append({Req(EventType::Merged, {}, /*observed=*/true)}, &guard);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NE((*r)[0].anomaly.find("only accepted work may be merged"), std::string::npos);
  EXPECT_EQ(LoadTaskFacts(*store_, "T1")->state, TaskState::kMerged);
}

// The guard's state row is a shortcut, never the truth: events appended
// without the guard after it are folded in too.
TEST_F(LifecycleGuardTest, StateRowIsCheckedAgainstTheLog) {
  ASSERT_TRUE(Guarded({Req(EventType::Dispatched), Req(EventType::WorktreeReady)}).ok());
  ASSERT_TRUE(GuardRows::Get(*store_, "lifecycle/T1").ok());
  // An importer writes straight to the store: completed, reviewed, accepted.
  ASSERT_TRUE(store_
                  ->Append({Req(EventType::Completed), Req(EventType::ReviewStarted),
                            Req(EventType::Reviewed, {{"verdict", "accepted"}})})
                  .ok());
  EXPECT_TRUE(Guarded({Req(EventType::Merged)}).ok()) << "the guard missed events appended without it";
  EXPECT_TRUE(absl::IsAborted(Guarded({Req(EventType::Merged)})));  // merged twice
  EXPECT_EQ(LoadTaskFacts(*store_, "T1")->state, TaskState::kMerged);
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

constexpr int64_t kMinute = int64_t{60} * 1'000'000'000;

TEST_F(LifecycleGuardTest, RefusesEventsDatedMoreThanFiveMinutesAhead) {
  const int64_t now = env_.NowNanos();
  ASSERT_TRUE(Guarded({Ev(EventType::Dispatched, {}, "", false, "", now + 4 * kMinute)}).ok());
  for (bool observed : {false, true}) {
    absl::Status s = Guarded({Ev(EventType::Note, {{"text", "x"}}, "", observed, "", now + 6 * kMinute)});
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
    EXPECT_NE(s.message().find("at most 5m after the clock"), std::string::npos) << s;
    EXPECT_NE(s.message().find(FormatRfc3339(now + 6 * kMinute)), std::string::npos) << s;
  }
  // Project-level events too.
  EventContent hb;
  hb.type = EventType::Heartbeat;
  EXPECT_TRUE(absl::IsInvalidArgument(
      Guarded({AppendRequest{*schema_->BuildEvent(hb), now + 60 * kMinute, std::nullopt}})));
  EXPECT_EQ(store_->head().seq, 1u);
}

// A review dated later, then a merge dated now, would put the merge before
// the review in the ledger.
TEST_F(LifecycleGuardTest, AnEventMayNotPrecedeItsTasksPreviousOne) {
  const int64_t now = env_.NowNanos();
  ASSERT_TRUE(Guarded({Ev(EventType::Dispatched, {}, "", false, "", now + 3 * kMinute)}).ok());
  absl::Status s = Guarded({Ev(EventType::WorktreeReady, {}, "", false, "", now)});
  EXPECT_TRUE(absl::IsAborted(s)) << s;
  EXPECT_NE(s.message().find("before the task's previous event"), std::string::npos) << s;
  // Another task is not held back.
  EXPECT_TRUE(Guarded({Ev(EventType::Dispatched, {}, "", false, "", now, "T2")}).ok());
  LifecycleGuard guard(&env_);
  auto r = store_->Append({Ev(EventType::WorktreeReady, {}, "", true, "", now)}, &guard);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NE((*r)[0].anomaly.find("before the task's previous event"), std::string::npos);
  EXPECT_EQ(Facts().state, TaskState::kActive);
  EXPECT_EQ(Facts().last_at, now + 3 * kMinute);
}

TEST_F(LifecycleGuardTest, EvidenceIsRaisedOnlyByWhatBacksIt) {
  Accepted();
  EXPECT_EQ(Facts().evidence_labels, std::vector<std::string>{"local"});
  // Claims on other events: recorded, never backed.
  ASSERT_TRUE(Guarded({Ev(EventType::Note, {{"text", "works in prod"}}, "prod")}).ok());
  ASSERT_TRUE(Guarded({Ev(EventType::Merged, {{"merge_commit", "m1"}}, "prod")}).ok());
  EXPECT_EQ(Facts().evidence_labels, std::vector<std::string>{"local"});
  // An overclaiming review recorded as observed stays a claim too.
  ASSERT_TRUE(Guarded({Ev(EventType::Dispatched, {}, "", false, "", {}, "T2"),
                       Ev(EventType::Completed, {}, "", true, "", {}, "T2"),
                       Ev(EventType::Reviewed, {{"verdict", "accepted"}}, "direct", true, "", {}, "T2")})
                  .ok());
  EXPECT_TRUE(Facts("T2").evidence_labels.empty());
  // A passing gate with the label backs it.
  ASSERT_TRUE(Guarded({Ev(EventType::Gate, {{"command", "e2e"}, {"result", "pass"}, {"label", "direct"}}, "",
                          false, "", {}, "T2")})
                  .ok());
  EXPECT_EQ(Facts("T2").evidence_labels, std::vector<std::string>{"direct"});
}

nlohmann::json WorkDone(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json j = {{"worktree_exists", true}, {"reviewable", true}, {"ahead_of_base", 1}, {"head", "c1"}};
  j.update(extra);
  return j;
}

TEST_F(LifecycleGuardTest, AnInspectionCountsOnlyWhenOrchObservedIt) {
  ASSERT_TRUE(Guarded({Req(EventType::Dispatched), Req(EventType::WorktreeReady)}).ok());
  // A worker's word, reported or marked observed: a claim, it moves nothing.
  ASSERT_TRUE(Guarded({Ev(EventType::Inspected, WorkDone(), "", false, "worker-1")}).ok());
  ASSERT_TRUE(Guarded({Ev(EventType::Inspected, WorkDone(), "", true, "worker-1")}).ok());
  ASSERT_TRUE(Guarded({Ev(EventType::Inspected, WorkDone(), "", false, kInspectActor)}).ok());
  EXPECT_EQ(Facts().state, TaskState::kActive);
  EXPECT_FALSE(Facts().has_inspection);
  // orch inspect's own.
  ASSERT_TRUE(Guarded({Ev(EventType::Inspected, WorkDone(), "", true, kInspectActor)}).ok());
  EXPECT_EQ(Facts().state, TaskState::kCompletedUnreviewed);
  EXPECT_TRUE(Facts().has_inspection);
  EXPECT_EQ(Facts().inspection.head, "c1");
}

TEST_F(LifecycleGuardTest, CleaningIsRefusedWhileTheLatestInspectionShowsWorkToLose) {
  Accepted();
  ASSERT_TRUE(Guarded({Ev(EventType::Merged, {{"merge_commit", "m1"}})}).ok());
  ASSERT_TRUE(
      Guarded({Ev(EventType::Inspected,
                  WorkDone({{"unstaged", {"src/a.cc"}}, {"untracked", {"notes.txt"}}, {"reviewable", false}}),
                  "", true, kInspectActor)})
          .ok());
  absl::Status s = Guarded({Ev(EventType::Cleaned, {{"worktree_removed", true}})});
  EXPECT_TRUE(absl::IsAborted(s)) << s;
  EXPECT_NE(s.message().find("uncommitted paths cleaning would lose: src/a.cc, notes.txt"), std::string::npos)
      << s;
  // Inspected again once the work is committed and merged: clean.
  ASSERT_TRUE(
      Guarded({Ev(EventType::Inspected, WorkDone({{"ahead_of_integration", 2}}), "", true, kInspectActor)})
          .ok());
  s = Guarded({Ev(EventType::Cleaned, {{"worktree_removed", true}})});
  EXPECT_TRUE(absl::IsAborted(s)) << s;
  EXPECT_NE(s.message().find("2 commit(s) not in the integration branch"), std::string::npos) << s;
  // Recorded anyway as an observed fact, with the anomaly.
  LifecycleGuard guard(&env_);
  auto r = store_->Append({Ev(EventType::Cleaned, {{"worktree_removed", true}}, "", true)}, &guard);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NE((*r)[0].anomaly.find("not in the integration branch"), std::string::npos);
  EXPECT_EQ(Facts().state, TaskState::kCleaned);

  // An explicitly abandoned task may be cleaned whatever it holds.
  ASSERT_TRUE(Guarded({Ev(EventType::Dispatched, {}, "", false, "", {}, "T2"),
                       Ev(EventType::WorktreeReady, {}, "", false, "", {}, "T2"),
                       Ev(EventType::Inspected, WorkDone({{"untracked", {"scratch"}}}), "", true,
                          kInspectActor, {}, "T2"),
                       Ev(EventType::Abandoned, {{"reason", "obsolete"}}, "", false, "", {}, "T2"),
                       Ev(EventType::Cleaned, {{"worktree_removed", true}}, "", false, "", {}, "T2")})
                  .ok());
}

TEST_F(LifecycleGuardTest, ProjectLevelPushMovesMergedTasksInsideTheBatch) {
  Accepted();
  ASSERT_TRUE(Guarded({Ev(EventType::Merged, {{"merge_commit", "m1"}})}).ok());
  EventContent push;
  push.type = EventType::Pushed;
  push.payload = {{"remote", "origin"}, {"commit", "m1"}};
  AppendRequest p{*schema_->BuildEvent(push), std::nullopt, std::nullopt};
  // The task-level pushed after the project-level one is a second push.
  absl::Status s = Guarded({p, Ev(EventType::Pushed, {{"commit", "m1"}})});
  EXPECT_TRUE(absl::IsAborted(s)) << s;
  EXPECT_NE(s.message().find("in state pushed"), std::string::npos) << s;
  ASSERT_TRUE(Guarded({p}).ok());
  EXPECT_EQ(Facts().state, TaskState::kPushed);
  EXPECT_EQ(Facts().pushed_commit, "m1");
  EXPECT_TRUE(Guarded({Ev(EventType::Cleaned, {{"worktree_removed", true}})}).ok());
}

// A row names the head it was derived with; later batches do not unbind it,
// and the guard folds the events after it.
TEST_F(LifecycleGuardTest, StateRowStaysBoundAsTheLogGrows) {
  ASSERT_TRUE(Guarded({Req(EventType::Dispatched), Req(EventType::WorktreeReady)}).ok());
  auto row = GuardRows::Get(*store_, GuardRowKey("T1"));
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ(DecodeGuardRow(*row)->seq, 2u);
  ASSERT_TRUE(store_->Append({Req(EventType::Completed)}).ok());  // without the guard
  ASSERT_TRUE(GuardRows::Get(*store_, GuardRowKey("T1")).ok());
  EXPECT_EQ(Facts().state, TaskState::kCompletedUnreviewed);
  int rows = 0;
  ASSERT_TRUE(GuardRows::Scan(*store_, [&](const std::string& key, const std::string&, uint64_t bound) {
                EXPECT_EQ(key, GuardRowKey("T1"));
                EXPECT_EQ(bound, 2u);
                ++rows;
                return true;
              }).ok());
  EXPECT_EQ(rows, 1);
}

}  // namespace
}  // namespace orch

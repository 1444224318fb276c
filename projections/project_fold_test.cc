// The fold: task states, lanes, heartbeats, anomalies; and that a fold
// continued from a checkpoint is the fold from scratch, byte for byte.
#include "projections/project_fold.h"

#include "gtest/gtest.h"
#include "eventstore/event_json.h"
#include "projections/ledger_json.h"
#include "projections/model_codec.h"
#include "projections/model_loader.h"
#include "projections/projection_test_log.h"
#include "schema/time_text.h"

namespace orch {
namespace {

using nlohmann::json;

std::string At(int minute) {
  return FormatRfc3339(*ParseRfc3339("2026-11-25T00:00:00Z") + int64_t{minute} * 60 * 1'000'000'000);
}

// A small night: two tasks, a lane switch, a missed heartbeat, an anomaly.
void Night(TestLog& log) {
  log.Emit({{"type", "package-opened"}, {"at", At(0)}, {"package_id", "a"}, {"title", "Lane A"}});
  log.Emit({{"type", "heartbeat"}, {"at", At(1)}, {"source", "cron"}, {"next_expected_at", At(31)}});
  log.Emit({{"type", "dispatched"}, {"task", "T1"}, {"at", At(2)}, {"title", "One"}, {"branch", "task/t1"},
            {"package_id", "a"}, {"allowed", {"src/a/**"}}});
  log.Emit({{"type", "worktree-ready"}, {"task", "T1"}, {"at", At(3)}, {"worktree", "/wt/t1"}});
  log.Emit({{"type", "dispatched"}, {"task", "T2"}, {"at", At(4)}, {"title", "Two"}, {"branch", "task/t2"}});
  log.Emit({{"type", "heartbeat-missed"}, {"at", At(40)}, {"claim", "inferred"}, {"expected_at", At(31)},
            {"gap_seconds", 540}});
  log.Emit({{"type", "merged"}, {"task", "T2"}, {"at", At(41)}, {"claim", "observed"}, {"merge_commit", "m2"}});
  log.Emit({{"type", "package-closed"}, {"at", At(50)}, {"package_id", "a"}});
  log.Emit({{"type", "package-opened"}, {"at", At(51)}, {"package_id", "b"}, {"title", "Lane B"}});
  log.Emit({{"type", "completed"}, {"task", "T1"}, {"at", At(52)}, {"claimed_evidence", "local"}});
  log.Emit({{"type", "run-mode-changed"}, {"at", At(53)}, {"mode", "paused"}, {"reason", "lunch"}});
}

ProjectModel FoldAll(EventStore& store) {
  ProjectFold fold;
  EXPECT_TRUE(store.Scan(EventQuery{}, [&](const LoggedEvent& e) {
    fold.Apply(e);
    return true;
  }).ok());
  return fold.Take();
}

TEST(ProjectFold, FoldsTasksLanesHeartbeatsAndAnomalies) {
  TestLog log;
  Night(log);
  const ProjectModel m = FoldAll(log.store());
  ASSERT_EQ(m.tasks.size(), 2u);
  EXPECT_EQ(m.FindTask("T1")->life.state, TaskState::kCompletedUnreviewed);
  EXPECT_EQ(m.FindTask("T1")->worktree, "/wt/t1");
  EXPECT_EQ(m.FindTask("T2")->life.state, TaskState::kMerged);
  EXPECT_EQ(m.current_lane, "b");
  EXPECT_EQ(m.FindPackage("a")->status, "closed");
  EXPECT_EQ(m.missed_total, 1u);
  EXPECT_EQ(m.heartbeats, 1u);
  EXPECT_EQ(m.run_mode, "paused");
  ASSERT_EQ(m.anomalies.size(), 1u);
  EXPECT_EQ(m.anomalies[0].task, "T2");
  EXPECT_NE(m.anomalies[0].detail.find("only accepted work may be merged"), std::string::npos);
  EXPECT_EQ(m.FindTask("T2")->anomalies, 1u);
}

TEST(ProjectFold, ClosingTheCurrentLaneFallsBackToTheNewestOpenOne) {
  TestLog log;
  log.Emit({{"type", "package-opened"}, {"at", At(0)}, {"package_id", "a"}});
  log.Emit({{"type", "package-opened"}, {"at", At(1)}, {"package_id", "b"}});
  log.Emit({{"type", "package-closed"}, {"at", At(2)}, {"package_id", "b"}});
  EXPECT_EQ(FoldAll(log.store()).current_lane, "a");
}

TEST(ProjectFold, ProjectLevelPushMarksEveryMergedTaskPushed) {
  TestLog log;
  for (const char* t : {"T1", "T2"}) {
    log.Emit({{"type", "dispatched"}, {"task", t}, {"at", At(0)}});
    log.Emit({{"type", "merged"}, {"task", t}, {"at", At(1)}, {"claim", "observed"}});
  }
  log.Emit({{"type", "pushed"}, {"at", At(2)}, {"remote", "origin"}, {"commit", "abc"}});
  const ProjectModel m = FoldAll(log.store());
  EXPECT_EQ(m.FindTask("T1")->life.state, TaskState::kPushed);
  EXPECT_EQ(m.FindTask("T2")->pushed_commit, "abc");
}

TEST(ModelCodec, RoundTripsTheModelExactly) {
  TestLog log;
  Night(log);
  const ProjectModel m = FoldAll(log.store());
  const std::string bytes = EncodeModel(m);
  auto back = DecodeModel(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(EncodeModel(*back), bytes);
  EXPECT_EQ(RenderLedgerJson(*back), RenderLedgerJson(m));
  EXPECT_EQ(back->FindTask("T2")->id, "T2");
}

TEST(ModelCodec, RefusesDamagedBytes) {
  TestLog log;
  Night(log);
  std::string bytes = EncodeModel(FoldAll(log.store()));
  EXPECT_TRUE(absl::IsDataLoss(DecodeModel(bytes.substr(0, bytes.size() - 3)).status()));
  EXPECT_TRUE(absl::IsDataLoss(DecodeModel("junk").status()));
  bytes[6] = 99;  // codec version
  EXPECT_TRUE(absl::IsFailedPrecondition(DecodeModel(bytes).status()));
}

// A checkpoint taken after every prefix, then folded on, gives the bytes a
// fold from scratch gives.
TEST(ModelLoader, CheckpointedFoldEqualsFoldFromScratch) {
  TestLog log;
  Night(log);
  const std::string expected = EncodeModel(FoldAll(log.store()));
  const uint64_t head = log.store().head().seq;
  for (uint64_t split = 1; split < head; ++split) {
    TestLog fresh;
    uint64_t seq = 0;
    ASSERT_TRUE(log.store().Scan(EventQuery{}, [&](const LoggedEvent& e) {
      json j = *LoggedEventToJson(log.schema(), e);
      fresh.Emit(j);
      if (++seq == split) {
        LoadStats stats;
        EXPECT_TRUE(LoadProjectModel(fresh.store(), LoadOptions{}, &stats).ok());
        EXPECT_TRUE(stats.wrote_checkpoint);
      }
      return true;
    }).ok());
    LoadStats stats;
    auto m = LoadProjectModel(fresh.store(), LoadOptions{}, &stats);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(stats.checkpoint_seq, split);
    EXPECT_EQ(stats.folded, head - split);
    EXPECT_EQ(EncodeModel(*m), expected) << "split at " << split;
  }
}

TEST(ModelLoader, TimeTravelSkipsCheckpointsTakenAfterTheMoment) {
  TestLog log;
  Night(log);
  ASSERT_TRUE(LoadProjectModel(log.store(), LoadOptions{}).ok());  // checkpoint at the head
  LoadOptions at;
  at.at = TimeSpec{false, *ParseRfc3339(At(3)), 0};
  LoadStats stats;
  auto m = LoadProjectModel(log.store(), at, &stats);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(stats.checkpoint_seq, 0u);
  EXPECT_EQ(m->FindTask("T1")->life.state, TaskState::kActive);
  EXPECT_EQ(m->FindTask("T2"), nullptr);
  EXPECT_FALSE(stats.wrote_checkpoint);

  LoadOptions by_seq;
  by_seq.at = TimeSpec{true, 0, 5};
  auto m5 = LoadProjectModel(log.store(), by_seq);
  ASSERT_TRUE(m5.ok());
  EXPECT_EQ(m5->head_seq, 5u);
  EXPECT_EQ(m5->FindTask("T2")->life.state, TaskState::kPendingSetup);
}

TEST(ModelLoader, ACheckpointBeforeTheMomentIsUsed) {
  TestLog log;
  Night(log);
  // Checkpoint at seq 5 (time At(4)), then the rest of the log.
  TestLog partial;
  ASSERT_TRUE(log.store().Scan(EventQuery{}, [&](const LoggedEvent& e) {
    partial.Emit(*LoggedEventToJson(log.schema(), e));
    if (e.seq() == 5) {
      EXPECT_TRUE(LoadProjectModel(partial.store(), LoadOptions{}).ok());
    }
    return true;
  }).ok());
  LoadOptions at;
  at.at = TimeSpec{false, *ParseRfc3339(At(45)), 0};
  LoadStats stats;
  auto m = LoadProjectModel(partial.store(), at, &stats);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(stats.checkpoint_seq, 5u);
  EXPECT_EQ(m->FindTask("T2")->life.state, TaskState::kMerged);
  EXPECT_EQ(m->current_lane, "a");
}

}  // namespace
}  // namespace orch

// The fold: task states, lanes, heartbeats, anomalies; and that a fold
// continued from a checkpoint is the fold from scratch, byte for byte.
#include "projections/project_fold.h"

#include "base/time_text.h"
#include "eventstore/checkpoint_store.h"
#include "formats/event_json.h"
#include "gtest/gtest.h"
#include "projections/model_codec.h"
#include "projections/model_loader.h"
#include "projections/projection_test_log.h"
#include "projections/render/ledger_json.h"
#include "projections/render/status_html.h"
#include "projections/render/status_json.h"
#include "projections/render/status_markdown.h"
#include "projections/render/status_text.h"
#include "projections/status_view.h"

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
  log.Emit({{"type", "dispatched"},
            {"task", "T1"},
            {"at", At(2)},
            {"title", "One"},
            {"branch", "task/t1"},
            {"package_id", "a"},
            {"allowed", {"src/a/**"}}});
  log.Emit({{"type", "worktree-ready"}, {"task", "T1"}, {"at", At(3)}, {"worktree", "/wt/t1"}});
  log.Emit({{"type", "dispatched"}, {"task", "T2"}, {"at", At(4)}, {"title", "Two"}, {"branch", "task/t2"}});
  log.Emit({{"type", "heartbeat-missed"},
            {"at", At(40)},
            {"claim", "inferred"},
            {"expected_at", At(31)},
            {"gap_seconds", 540}});
  log.Emit(
      {{"type", "merged"}, {"task", "T2"}, {"at", At(41)}, {"claim", "observed"}, {"merge_commit", "m2"}});
  log.Emit({{"type", "package-closed"}, {"at", At(50)}, {"package_id", "a"}});
  log.Emit({{"type", "package-opened"}, {"at", At(51)}, {"package_id", "b"}, {"title", "Lane B"}});
  log.Emit({{"type", "completed"}, {"task", "T1"}, {"at", At(52)}, {"claimed_evidence", "local"}});
  log.Emit({{"type", "run-mode-changed"}, {"at", At(53)}, {"mode", "paused"}, {"reason", "lunch"}});
}

ProjectModel FoldAll(EventStore& store) {
  ProjectFold fold;
  EXPECT_TRUE(store
                  .Scan(EventQuery{},
                        [&](const LoggedEvent& e) {
                          fold.Apply(e);
                          return true;
                        })
                  .ok());
  return fold.Take();
}

TEST(ProjectFold, FoldsTasksLanesHeartbeatsAndAnomalies) {
  TestLog log;
  Night(log);
  const ProjectModel m = FoldAll(log.store());
  ASSERT_EQ(m.tasks.size(), 2u);
  EXPECT_EQ(m.FindTask("T1")->facts.state, TaskState::kCompletedUnreviewed);
  EXPECT_EQ(m.FindTask("T1")->facts.worktree, "/wt/t1");
  EXPECT_EQ(m.FindTask("T2")->facts.state, TaskState::kMerged);
  EXPECT_EQ(m.current_lane, "b");
  EXPECT_EQ(m.FindPackage("a")->status, LaneStatus::kClosed);
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
  EXPECT_EQ(m.FindTask("T1")->facts.state, TaskState::kPushed);
  EXPECT_EQ(m.FindTask("T2")->facts.pushed_commit, "abc");
}

TEST(ModelCodec, RoundTripsTheModelExactly) {
  TestLog log;
  Night(log);
  const ProjectModel m = FoldAll(log.store());
  const std::string bytes = EncodeModel(m);
  auto back = DecodeModel(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(*back == m) << ModelDifferences(*back, m).front();
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
    ASSERT_TRUE(log.store()
                    .Scan(EventQuery{},
                          [&](const LoggedEvent& e) {
                            json j = *LoggedEventToJson(log.schema(), e);
                            fresh.Emit(j);
                            if (++seq == split) {
                              LoadStats stats;
                              EXPECT_TRUE(LoadProjectModel(fresh.store(), LoadOptions{}, &stats).ok());
                              EXPECT_TRUE(stats.wrote_checkpoint);
                            }
                            return true;
                          })
                    .ok());
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
  EXPECT_EQ(m->FindTask("T1")->facts.state, TaskState::kActive);
  EXPECT_EQ(m->FindTask("T2"), nullptr);
  EXPECT_FALSE(stats.wrote_checkpoint);

  LoadOptions by_seq;
  by_seq.at = TimeSpec{true, 0, 5};
  auto m5 = LoadProjectModel(log.store(), by_seq);
  ASSERT_TRUE(m5.ok());
  EXPECT_EQ(m5->head_seq, 5u);
  EXPECT_EQ(m5->FindTask("T2")->facts.state, TaskState::kPendingSetup);
}

TEST(ModelLoader, ACheckpointBeforeTheMomentIsUsed) {
  TestLog log;
  Night(log);
  // Checkpoint at seq 5 (time At(4)), then the rest of the log.
  TestLog partial;
  ASSERT_TRUE(log.store()
                  .Scan(EventQuery{},
                        [&](const LoggedEvent& e) {
                          partial.Emit(*LoggedEventToJson(log.schema(), e));
                          if (e.seq() == 5) {
                            EXPECT_TRUE(LoadProjectModel(partial.store(), LoadOptions{}).ok());
                          }
                          return true;
                        })
                  .ok());
  LoadOptions at;
  at.at = TimeSpec{false, *ParseRfc3339(At(45)), 0};
  LoadStats stats;
  auto m = LoadProjectModel(partial.store(), at, &stats);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(stats.checkpoint_seq, 5u);
  EXPECT_EQ(m->FindTask("T2")->facts.state, TaskState::kMerged);
  EXPECT_EQ(m->current_lane, "a");
}

// The pages a status call renders without the task details (not HTML).
std::string Pages(const ProjectModel& m) {
  const int64_t now = *ParseRfc3339(At(60));
  const StatusView v = BuildStatusView(m, now, now - int64_t{3600} * 1'000'000'000);
  return RenderStatusText(v) + RenderStatusMarkdown(v) + RenderStatusJson(v);
}

// The status pages read only the checkpoint's core: the same pages, whether
// the checkpoint was taken early or late and events were folded after it.
TEST(ModelLoader, StatusPagesWithoutTaskDetailsAreTheSame) {
  TestLog log;
  Night(log);
  const uint64_t head = log.store().head().seq;
  for (uint64_t split = 1; split <= head; ++split) {
    TestLog fresh;
    uint64_t seq = 0;
    ASSERT_TRUE(log.store()
                    .Scan(EventQuery{},
                          [&](const LoggedEvent& e) {
                            fresh.Emit(*LoggedEventToJson(log.schema(), e));
                            if (++seq == split) {
                              EXPECT_TRUE(LoadProjectModel(fresh.store(), LoadOptions{}).ok());
                            }
                            return true;
                          })
                    .ok());
    LoadOptions summary;
    summary.task_details = false;
    LoadStats stats;
    auto light = LoadProjectModel(fresh.store(), summary, &stats);
    ASSERT_TRUE(light.ok());
    EXPECT_EQ(stats.checkpoint_seq, split);
    auto full = LoadProjectModel(fresh.store(), LoadOptions{});
    ASSERT_TRUE(full.ok());
    EXPECT_EQ(Pages(*light), Pages(*full)) << "split at " << split;
    if (split == head) {
      EXPECT_TRUE(light->FindTask("T1")->history.empty());
      EXPECT_TRUE(light->FindTask("T1")->transitions.empty());
    }
    EXPECT_FALSE(full->FindTask("T1")->history.empty());
  }
}

// A load that writes a checkpoint reads the details even for the status
// pages: the new checkpoint must hold them.
TEST(ModelLoader, CheckpointWrittenAfterASummaryLoadKeepsTheDetails) {
  TestLog log;
  Night(log);
  LoadOptions o;
  o.checkpoint_every = 1;
  ASSERT_TRUE(LoadProjectModel(log.store(), o).ok());
  log.Emit({{"type", "gate"}, {"task", "T1"}, {"at", At(54)}, {"command", "make test"}, {"result", "fail"}});
  o.task_details = false;
  LoadStats stats;
  ASSERT_TRUE(LoadProjectModel(log.store(), o, &stats).ok());
  EXPECT_TRUE(stats.wrote_checkpoint);
  auto m = LoadProjectModel(log.store(), LoadOptions{});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(EncodeModel(*m), EncodeModel(FoldAll(log.store())));
}

TEST(ModelLoader, WritingACheckpointPrunesOldOnes) {
  TestLog log;
  Night(log);
  LoadOptions o;
  o.checkpoint_every = 1;
  const uint64_t first = log.store().head().seq;
  ASSERT_TRUE(LoadProjectModel(log.store(), o).ok());
  for (size_t i = 0; i <= kCheckpointsKept + 1; ++i) {
    log.Emit({{"type", "heartbeat"}, {"at", At(60 + static_cast<int>(i))}});
    ASSERT_TRUE(LoadProjectModel(log.store(), o).ok());
  }
  for (const char* name : {kModelCheckpointName, kModelDetailsCheckpointName}) {
    EXPECT_TRUE(absl::IsNotFound(CheckpointStore(log.store()).Get(name, first).status())) << name;
    auto kept = CheckpointStore(log.store()).Get(name, first + 2);  // the oldest of the kept ones
    ASSERT_TRUE(kept.ok()) << name;
    EXPECT_EQ(kept->first, first + 2) << name;
  }
}

TEST(ModelCodec, PartsDecodeAloneOrTogether) {
  TestLog log;
  Night(log);
  const ProjectModel m = FoldAll(log.store());
  const EncodedModel parts = EncodeModelParts(m);
  auto whole = DecodeModelParts(parts.core, parts.details);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(EncodeModel(*whole), EncodeModel(m));
  auto core = DecodeModelParts(parts.core, std::nullopt);
  ASSERT_TRUE(core.ok());
  EXPECT_TRUE(core->FindTask("T1")->history.empty());
  EXPECT_EQ(core->FindTask("T1")->facts.state, m.FindTask("T1")->facts.state);
  EXPECT_TRUE(absl::IsDataLoss(DecodeModelParts(parts.core, parts.core).status()));
}

// One rule for the settings (project_settings.h): a later project-
// initialized that leaves a text field empty keeps the recorded value; the
// fold used to erase the root, the git readers to keep it.
TEST(ProjectFoldTest, ALaterProjectInitializedKeepsTheTextItLeavesEmpty) {
  TestLog log;
  log.Emit({{"type", "project-initialized"},
            {"at", At(0)},
            {"project_root", "/src/shop"},
            {"default_branch", "main"},
            {"remote", "origin"},
            {"push_policy", "never"},
            {"max_concurrency", 4}});
  log.Emit(
      {{"type", "project-initialized"}, {"at", At(1)}, {"default_branch", "trunk"}, {"max_concurrency", 3}});
  const ProjectSettings& s = FoldAll(log.store()).settings;
  EXPECT_EQ(s.project_root, "/src/shop");
  EXPECT_EQ(s.default_branch, "trunk");
  EXPECT_EQ(s.remote, "origin");
  // Scalars cannot be left out (FlatBuffers reads an absent one as its
  // default): each project-initialized sets them.
  EXPECT_EQ(s.push_policy, "manual");
  EXPECT_EQ(s.max_concurrency, 3);
}

}  // namespace
}  // namespace orch

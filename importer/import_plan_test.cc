// The import plan of the fixture, appended to a real store through the
// lifecycle guard and folded: every task in its predecessor status, only the
// steps orch's lifecycle forbids observed, and no anomaly counted.
#include "importer/import_plan.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "eventstore/env_testing.h"
#include "eventstore/event_store.h"
#include "gtest/gtest.h"
#include "projections/lifecycle_guard.h"
#include "projections/project_fold.h"
#include "tests/support/test_support.h"

namespace orch::importer {
namespace {

using ::orch::testing::ReadFile;
using ::orch::testing::SourceDir;
using ::orch::testing::TempDir;

std::string Fixture(const std::string& name) { return ReadFile(SourceDir() + "/fixtures/import/" + name); }

class ImportPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = std::move(EventSchema::Load()).value();
    auto l = ParseLedger(Fixture("ledger.json"), "ledger.json");
    ASSERT_TRUE(l.ok()) << l.status();
    ledger_ = *std::move(l);
    auto e = ParseEvents(Fixture("events.jsonl"), "events.jsonl");
    ASSERT_TRUE(e.ok()) << e.status();
    events_ = *std::move(e);
  }

  // Appends `plan` to a new store through the guard; the folded model.
  ProjectModel AppendAndFold(ImportPlan plan) {
    StoreOptions o;
    o.env = &env_;
    o.create_if_missing = true;
    auto store = std::move(OpenEventWriter(tmp_.Sub("store"), o)).value();
    std::vector<AppendRequest> batch;
    for (PlannedEvent& e : plan.events) batch.push_back(std::move(e.request));
    LifecycleGuard guard(&env_);
    auto results = store->Append(std::move(batch), &guard);
    EXPECT_TRUE(results.ok()) << results.status();
    ProjectFold fold;
    EXPECT_TRUE(store
                    ->Scan(EventQuery{},
                           [&fold](const LoggedEvent& e) {
                             fold.Apply(e);
                             return true;
                           })
                    .ok());
    return fold.Take();
  }

  TempDir tmp_;
  FakeEnv env_{1'795'600'000'000'000'000};  // 2026-11-25
  std::unique_ptr<EventSchema> schema_;
  Ledger ledger_;
  std::vector<Entry> events_;
};

TEST_F(ImportPlanTest, EveryTaskComesBackInItsPredecessorStatus) {
  auto plan = PlanImport(*schema_, ledger_, events_);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->tasks, 13u);
  const ProjectModel m = AppendAndFold(*std::move(plan));
  ASSERT_EQ(m.tasks.size(), 13u);
  // The fixture's statuses, written out (ledger.json).
  const std::map<std::string, std::string> expected = {{"T1", "cleaned"},
                                                       {"T2", "merged"},
                                                       {"T3", "merged"},
                                                       {"T4", "completed-unreviewed"},
                                                       {"T5", "active"},
                                                       {"T6", "active"},
                                                       {"T7", "pending-setup"},
                                                       {"T8", "pending-setup"},
                                                       {"T9", "stale-needs-inspection"},
                                                       {"T10", "blocked"},
                                                       {"T11", "rejected"},
                                                       {"T12", "cleanup-needed"},
                                                       {"T13", "abandoned"}};
  std::map<std::string, std::string> states;
  for (const TaskModel& t : m.tasks) states[t.id] = std::string(TaskStateName(t.facts.state));
  EXPECT_EQ(states, expected);
  // The predecessor's history is not tonight's anomaly.
  EXPECT_EQ(m.anomalies_total, 0u);
  EXPECT_TRUE(m.anomalies.empty());
  for (const TaskModel& t : m.tasks) EXPECT_EQ(t.anomalies, 0u) << t.id;
  EXPECT_EQ(m.run_mode, "draining");
  EXPECT_EQ(m.run_mode_reason, "finishing the receipts lane before refunds");
  EXPECT_EQ(m.settings.max_concurrency, 3);
  const TaskModel* t7 = m.FindTask("T7");
  ASSERT_NE(t7, nullptr);
  EXPECT_EQ(t7->facts.pending_worktree_id, "pw-107");
  const TaskModel* t2 = m.FindTask("T2");
  EXPECT_EQ(t2->constraint_stack.evidence_boundary, "proxy");
  EXPECT_EQ(t2->budget.runtime_minutes, 120);
  // Labels are claims, not backed labels.
  EXPECT_TRUE(t2->facts.evidence_labels.empty());
  EXPECT_NE(std::find_if(t2->evidence_notes.begin(), t2->evidence_notes.end(),
                         [](const std::string& n) { return n.rfind("claimed 'proxy'", 0) == 0; }),
            t2->evidence_notes.end());
}

TEST_F(ImportPlanTest, OnlyStepsTheLifecycleForbidsAreObserved) {
  auto plan = PlanImport(*schema_, ledger_, events_);
  ASSERT_TRUE(plan.ok()) << plan.status();
  // T12 went from active to merged by a `review` the predecessor recorded
  // without a completion: orch's lifecycle has no such step.
  ASSERT_EQ(plan->observed, 1u);
  for (const PlannedEvent& e : plan->events) {
    EXPECT_EQ(e.json["actor"], "importer");
    EXPECT_EQ(e.json["idempotency_key"].get<std::string>().rfind("import/", 0), 0u);
    if (!e.observed) {
      EXPECT_EQ(e.json["claim"], "reported");
      continue;
    }
    EXPECT_EQ(e.task, "T12");
    EXPECT_EQ(e.json["type"], "merged");
    EXPECT_EQ(e.json["claim"], "observed");
    EXPECT_NE(e.json["note"].get<std::string>().find("codex-orchestrator status merged (review)"),
              std::string::npos)
        << e.json.dump();
  }
  // In time order, as the guard's time rules need.
  for (size_t i = 1; i < plan->events.size(); ++i) EXPECT_LE(plan->events[i - 1].at, plan->events[i].at);
}

TEST_F(ImportPlanTest, AReviewThatMergedIsAnAcceptedReviewAndAMerge) {
  auto plan = PlanImport(*schema_, ledger_, events_);
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::vector<std::string> t1;
  for (const PlannedEvent& e : plan->events) {
    if (e.task == "T1") t1.push_back(e.json["type"].get<std::string>());
  }
  const std::vector<std::string> expected = {
      "dispatched", "worktree-ready", "completed", "reviewed", "merged", "cleaned", "note", "note", "note"};
  EXPECT_EQ(t1, expected);  // the notes: its label, its evidence note, its last observation
}

TEST_F(ImportPlanTest, LinesAndEntriesOfOneFactAreOneEventAndTheRestAreNotes) {
  auto plan = PlanImport(*schema_, ledger_, events_);
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::map<std::string, std::vector<const PlannedEvent*>> by_task;
  for (const PlannedEvent& e : plan->events) by_task[e.task].push_back(&e);
  // T6's history is in +01:00, its lines in Z: the same instants, one fact.
  ASSERT_EQ(by_task["T6"].size(), 2u);
  EXPECT_EQ(by_task["T6"][0]->json["at"], "2026-11-20T22:31:00Z");
  // A line the history lacks that changes nothing is a note.
  ASSERT_EQ(by_task["T5"].size(), 3u);
  EXPECT_EQ(by_task["T5"][2]->json["payload"]["text"],
            "codex-orchestrator rescue, status active: worker idle 40m; nudged, still active");
  // An entry's key an event has a field for goes there.
  const PlannedEvent* review = nullptr;
  for (const PlannedEvent* e : by_task["T1"]) {
    if (e->json["type"] == "reviewed") review = e;
  }
  ASSERT_NE(review, nullptr);
  EXPECT_EQ(review->json["payload"]["reviewer"], "lead");
  EXPECT_EQ(review->json["payload"]["verdict"], "accepted");
  // The project: its settings first, its run mode last.
  EXPECT_EQ(plan->events.front().json["type"], "project-initialized");
  EXPECT_EQ(plan->events.back().json["type"], "run-mode-changed");
  EXPECT_EQ(plan->events.back().json["payload"]["mode"], "draining");
}

TEST_F(ImportPlanTest, TheSameFilesGiveTheSameEvents) {
  auto a = PlanImport(*schema_, ledger_, events_);
  auto b = PlanImport(*schema_, ledger_, events_);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->events.size(), b->events.size());
  std::set<std::string> keys;
  for (size_t i = 0; i < a->events.size(); ++i) {
    EXPECT_EQ(a->events[i].request.event, b->events[i].request.event) << i;
    keys.insert(a->events[i].json["idempotency_key"].get<std::string>());
  }
  EXPECT_EQ(keys.size(), a->events.size()) << "every event has a key of its own";
}

TEST_F(ImportPlanTest, TheLedgerAloneStillGivesEveryStatusAndTheRunMode) {
  auto plan = PlanImport(*schema_, ledger_, {});
  ASSERT_TRUE(plan.ok()) << plan.status();
  const ProjectModel m = AppendAndFold(*std::move(plan));
  ASSERT_EQ(m.tasks.size(), 13u);
  EXPECT_EQ(TaskStateName(m.FindTask("T12")->facts.state), "cleanup-needed");
  EXPECT_EQ(m.run_mode, "draining");
  EXPECT_EQ(m.created_at, ledger_.created_at);
}

TEST_F(ImportPlanTest, EventsInTheFutureAreRefusedNamingTheirEntry) {
  ImportOptions o;
  o.now_ns = ledger_.tasks[0].history[2].at;  // the clock says 23:10 that night
  auto plan = PlanImport(*schema_, ledger_, events_, o);
  ASSERT_FALSE(plan.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(plan.status()));
  EXPECT_NE(plan.status().message().find("in the future"), std::string::npos) << plan.status();
  EXPECT_NE(plan.status().message().find("ledger.json: tasks["), std::string::npos) << plan.status();
}

TEST_F(ImportPlanTest, AHistoryCutShortStartsWithItsDispatch) {
  auto l = ParseLedger(R"({"version":1,"createdAt":"2026-11-20T21:00:00Z","updatedAt":"2026-11-20T23:00:00Z",
      "tasks":[{"id":"X1","status":"completed-unreviewed","branch":"task/x1","worktree":"/w/x1",
                "history":[{"at":"2026-11-20T22:00:00Z","type":"record-task","status":"completed-unreviewed",
                            "note":"done","reviewer":"lead"}]},
               {"id":"X2","status":"blocked","title":"no history at all"}]})",
                       "l.json");
  ASSERT_TRUE(l.ok()) << l.status();
  auto plan = PlanImport(*schema_, *l, {});
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::map<std::string, std::vector<std::string>> by_task;
  for (const PlannedEvent& e : plan->events) {
    by_task[e.task].push_back(absl::StrCat(e.json["type"].get<std::string>(), e.observed ? "!" : ""));
  }
  // Completed from pending-setup is no step of orch's: observed. The
  // worktree no event carried, and the entry's unknown key, are in notes.
  EXPECT_EQ(by_task["X1"], (std::vector<std::string>{"dispatched", "completed!", "note"}));
  // No history at all: dispatched and its status at the ledger's updatedAt.
  EXPECT_EQ(by_task["X2"], (std::vector<std::string>{"dispatched", "blocked"}));
  EXPECT_EQ(by_task[""], std::vector<std::string>{"project-initialized"});
  const ProjectModel m = AppendAndFold(*std::move(plan));
  EXPECT_EQ(TaskStateName(m.FindTask("X1")->facts.state), "completed-unreviewed");
  EXPECT_EQ(TaskStateName(m.FindTask("X2")->facts.state), "blocked");
  EXPECT_EQ(m.anomalies_total, 0u);
}

}  // namespace
}  // namespace orch::importer

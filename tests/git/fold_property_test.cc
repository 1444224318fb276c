// A property of the one task fold: whoever folds the log — the append
// guard (its rows and the per-task loader), the projections (ProjectFold's
// TaskModel::facts) or the git readers (GitFacts, whole log or one task) —
// gets the same facts for every task, after every event.
//
// Random sequences against a real store: mostly steps that are legal for
// the task's state, mixed with arbitrary steps, some recorded as observed
// (impossible ones become anomalies, refused ones leave the log as it was),
// task-less pushes, back-dated events, several tasks. Seeded: a failure
// names its seed and step and replays exactly.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>

#include "eventstore/env.h"
#include "eventstore/env_testing.h"
#include "eventstore/event_store.h"
#include "git/task_git_facts.h"
#include "gtest/gtest.h"
#include "projections/derived_check.h"
#include "projections/lifecycle_guard.h"
#include "projections/model_loader.h"
#include "projections/project_fold.h"
#include "projections/task_fold.h"
#include "schema/event_schema.h"
#include "tests/support/test_support.h"

namespace orch {
namespace {

using nlohmann::json;
using S = TaskState;
using T = EventType;

constexpr int kSequences = 240;
constexpr int kSteps = 28;
const std::vector<std::string> kTasks = {"T1", "T2", "T3"};
constexpr int64_t kMinute = int64_t{60} * 1'000'000'000;

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  template <typename X>
  const X& Of(const std::vector<X>& xs) {
    return xs[Pick(xs.size())];
  }

  std::string Label() { return Of<std::string>({"", "static", "local", "direct", "prod"}); }
  std::vector<std::string> Paths() {
    std::vector<std::string> out;
    for (size_t i = Pick(3); i > 0; --i) out.push_back(Of<std::string>({"a.cc", "b.txt", "src/c.h"}));
    return out;
  }

  // A step that is usually legal for a task in state `s`.
  T Likely(S s) {
    switch (s) {
      case S::kUnknown:
        return T::Dispatched;
      case S::kPendingSetup:
        return Of<T>({T::WorktreeReady, T::WorktreeReady, T::SetupFailed, T::StaleDetected});
      case S::kActive:
      case S::kStaleNeedsInspection:
        return Of<T>(
            {T::Committed, T::Completed, T::Inspected, T::Gate, T::Blocked, T::Abandoned, T::StaleDetected});
      case S::kCompletedUnreviewed:
        return Of<T>({T::ReviewStarted, T::Reviewed, T::Gate, T::Inspected, T::Reviewed});
      case S::kReviewing:
        return Of<T>({T::Reviewed, T::Gate});
      case S::kAccepted:
        return T::Merged;
      case S::kMerged:
        return Of<T>({T::Pushed, T::Pushed, T::Cleaned, T::Inspected});
      case S::kPushed:
        return Of<T>({T::Cleaned, T::Inspected, T::Cleaned});
      case S::kCleaned:
        return Of<T>({T::DriftDetected, T::Note});
      case S::kRejected:
        return Of<T>({T::Committed, T::Abandoned});
      case S::kBlocked:
        return T::Unblocked;
      case S::kCleanupNeeded:
      case S::kAbandoned:
        return T::Cleaned;
    }
    return T::Note;
  }

  T Any() {
    return Of<T>({T::Dispatched, T::WorktreeReady, T::SetupFailed, T::Committed, T::Completed, T::Inspected,
                  T::Gate, T::ReviewStarted, T::Reviewed, T::Merged, T::Pushed, T::Cleaned, T::Blocked,
                  T::Unblocked, T::Abandoned, T::StaleDetected, T::DriftDetected, T::Note});
  }

  json Payload(T type, int step) {
    const std::string n = std::to_string(step);
    switch (type) {
      case T::Dispatched:
        return {{"title", "t" + n},
                {"branch", "task/" + n},
                {"base_commit", Chance(0.8) ? "b" + n : ""},
                {"allowed", Paths()},
                {"forbidden", Paths()},
                {"self_review_path", Chance(0.5) ? "reviews/" + n + ".md" : ""},
                {"pending_worktree_id", "wt" + n}};
      case T::WorktreeReady:
        return {{"worktree", Chance(0.8) ? "/wt/" + n : ""},
                {"branch", Chance(0.3) ? "task/x" + n : ""},
                {"base_commit", Chance(0.3) ? "c" + n : ""}};
      case T::Completed:
        return {{"self_review_path", Chance(0.3) ? "r/" + n : ""}, {"claimed_evidence", Label()}};
      case T::Inspected:
        return {{"head", "h" + n},
                {"worktree_exists", Chance(0.8)},
                {"ahead_of_base", static_cast<int>(Pick(3))},
                {"ahead_of_integration", static_cast<int>(Pick(2))},
                {"reviewable", Chance(0.5)},
                {"staged", Chance(0.2) ? Paths() : std::vector<std::string>{}},
                {"untracked", Chance(0.3) ? Paths() : std::vector<std::string>{}},
                {"forbidden_touched", Chance(0.2) ? Paths() : std::vector<std::string>{}}};
      case T::Gate:
        return {{"command", Of<std::string>({"ctest", "e2e"})},
                {"result", Chance(0.7) ? "pass" : "fail"},
                {"label", Label()}};
      case T::Reviewed:
        return {{"verdict", Chance(0.7) ? "accepted" : Of<std::string>({"rejected", "changes_requested"})}};
      case T::Merged:
        return {{"merge_commit", Chance(0.9) ? "m" + n : ""}};
      case T::Pushed:
        return {{"remote", "origin"}, {"commit", "p" + n}};
      case T::Cleaned:
        return {{"worktree_removed", Chance(0.5)}, {"branch_deleted", Chance(0.5)}};
      case T::Blocked:
        return {{"reason", "r" + n}, {"needs_human", Chance(0.5)}};
      case T::DriftDetected:
        return {{"kind", "left-behind"}, {"git_shows", "g" + n}};
      case T::Note:
        return {{"text", "n" + n}};
      case T::NONE:
      case T::ProjectInitialized:
      case T::PackageOpened:
      case T::PackageClosed:
      case T::PackageBlocked:
      case T::SetupFailed:
      case T::Committed:
      case T::ReviewStarted:
      case T::Unblocked:
      case T::Abandoned:
      case T::Heartbeat:
      case T::HeartbeatMissed:
      case T::StaleDetected:
      case T::RunModeChanged:
      case T::StoreRecovered:
      case T::Settings:
      case T::ReviewImported:
        return json::object();  // no field the task fold reads
    }
    return json::object();
  }

 private:
  std::mt19937 rng_;
};

class FoldAgreement {
 public:
  explicit FoldAgreement(uint32_t seed)
      : seed_(seed), gen_(seed), env_(int64_t{1'795'600'000} * 1'000'000'000) {
    schema_ = *EventSchema::Load();
    StoreOptions o;
    o.env = &env_;
    o.create_if_missing = true;
    store_ = *OpenEventWriter(dir_.Sub("store"), o);
  }

  void Run() {
    int64_t at = env_.NowNanos() - 600 * kMinute;
    for (int step = 1; step <= kSteps && !::testing::Test::HasFailure(); ++step) {
      at += kMinute;
      Append(step, at);
      Check(step);
      // Now and then a checkpoint, which verify must find equal to the log.
      if (gen_.Chance(0.1)) {
        LoadOptions o;
        o.checkpoint_every = 1;
        ASSERT_TRUE(LoadProjectModel(*store_, o).ok());
      }
    }
    auto derived = CheckDerived(*store_);
    ASSERT_TRUE(derived.ok()) << derived.status();
    EXPECT_TRUE(derived->ok()) << Where(0) << derived->problems.front();
    EXPECT_GT(derived->guard_rows, 0u) << Where(0);
  }

  int appended = 0, anomalies = 0, refused = 0, movers = 0;

 private:
  std::string Where(int step) const {
    return "seed " + std::to_string(seed_) + " step " + std::to_string(step) + ": ";
  }

  void Append(int step, int64_t at) {
    const std::string task = gen_.Of(kTasks);
    auto state = LoadTaskFacts(*store_, task);
    ASSERT_TRUE(state.ok());
    EventContent c;
    c.task = task;
    c.type = gen_.Chance(0.65) ? gen_.Likely(state->state) : gen_.Any();
    c.claim = gen_.Chance(0.25) ? schema::Claim::observed : schema::Claim::reported;
    if (c.type == T::Pushed && gen_.Chance(0.4)) c.task = "";  // the integration branch reached the remote
    if (c.type == T::Inspected) c.actor = gen_.Of<std::string>({kInspectActor, kObserveActor, "worker-1"});
    if (c.type == T::Reviewed || c.type == T::Note || c.type == T::Merged) c.evidence = gen_.Label();
    c.payload = gen_.Payload(c.type, step);
    if (gen_.Chance(0.08)) at -= 90 * kMinute;  // back-dated
    AppendRequest r{*schema_->BuildEvent(c), at, std::nullopt};
    const uint64_t before = store_->head().seq;
    LifecycleGuard guard(&env_);
    auto result = store_->Append({std::move(r)}, &guard);
    if (!result.ok()) {
      ++refused;
      ASSERT_NE(c.claim, schema::Claim::observed) << Where(step) << result.status();
      ASSERT_EQ(store_->head().seq, before) << Where(step) << "a refused event was appended";
      return;
    }
    ++appended;
    if (!(*result)[0].anomaly.empty()) ++anomalies;
    if (c.task.empty()) ++movers;
  }

  // Every view of every task, compared with the whole-log task fold.
  void Check(int step) {
    ProjectFold fold;
    ASSERT_TRUE(store_
                    ->Scan(EventQuery{},
                           [&](const LoggedEvent& e) {
                             fold.Apply(e);
                             return true;
                           })
                    .ok());
    const ProjectModel& model = fold.model();
    auto git = git::LoadGitFacts(*store_);
    ASSERT_TRUE(git.ok()) << git.status();
    std::set<std::string> in_model, in_git;
    for (const TaskModel& t : model.tasks) in_model.insert(t.id);
    for (const auto& [id, t] : git->tasks) in_git.insert(id);
    ASSERT_EQ(in_model, in_git) << Where(step) << "the projections and the git facts know other tasks";
    for (const std::string& task : kTasks) {
      const TaskModel* t = model.FindTask(task);
      const TaskFacts projected = t == nullptr ? TaskFacts{} : t->facts;
      auto it = git->tasks.find(task);
      const TaskFacts whole_git = it == git->tasks.end() ? TaskFacts{} : it->second.facts;
      auto loaded = LoadTaskFacts(*store_, task);
      auto guarded = GuardView(*store_, task);
      auto one_git = git::LoadGitFacts(*store_, task);
      ASSERT_TRUE(loaded.ok() && guarded.ok() && one_git.ok());
      const std::vector<std::pair<const char*, TaskFacts>> views = {
          {"per-task loader", *loaded},
          {"guard", *guarded},
          {"git facts (whole log)", whole_git},
          {"git facts (one task)", one_git->tasks.at(task).facts}};
      for (const auto& [name, facts] : views) {
        Differences d;
        Compare(task, projected, facts, &d);
        ASSERT_TRUE(d.empty()) << Where(step) << "projections vs " << name << ": " << d.front();
      }
      if (it != git->tasks.end()) {
        EXPECT_EQ(it->second.spec.branch, projected.branch) << Where(step);
        EXPECT_EQ(it->second.spec.worktree, projected.worktree) << Where(step);
      }
    }
  }

  const uint32_t seed_;
  Generator gen_;
  FakeEnv env_;
  testing::TempDir dir_;
  std::unique_ptr<EventSchema> schema_;
  std::unique_ptr<EventWriter> store_;
};

TEST(FoldProperty, EveryFolderAgreesOnEveryTaskAfterEveryEvent) {
  // Thousands of synced appends: on tmpfs a sync costs nothing, so the test
  // takes seconds, not a minute (the stores are real RocksDB stores all the
  // same).
  std::error_code ec;
  if (std::filesystem::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK) == 0) {
    setenv("TMPDIR", "/dev/shm", 1);
  }
  int appended = 0, anomalies = 0, refused = 0, movers = 0;
  for (uint32_t seed = 1; seed <= kSequences && !HasFailure(); ++seed) {
    FoldAgreement run(seed);
    run.Run();
    appended += run.appended;
    anomalies += run.anomalies;
    refused += run.refused;
    movers += run.movers;
  }
  // The sequences exercised what they are meant to.
  EXPECT_GT(appended, kSequences * kSteps / 3);
  EXPECT_GT(anomalies, kSequences);
  EXPECT_GT(refused, kSequences);
  EXPECT_GT(movers, kSequences / 4);
  std::cout << "folded " << appended << " events (" << anomalies << " anomalies, " << movers
            << " task-less pushes); " << refused << " refused\n";
}

}  // namespace
}  // namespace orch

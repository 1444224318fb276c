// The checkpoint codec against a model with every field set to a distinct,
// non-default value, compared field by field (operator==, field_diff.h)
// with the original: a field the codec forgets comes back as its default
// and fails here. A field added without being filled in below, or without
// being compared, fails EveryFieldIsFilledAndCompared.
#include "projections/model_codec.h"

#include <deque>
#include <functional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "gtest/gtest.h"
#include "projections/project_model.h"

namespace orch {
namespace {

// Hands out distinct values, so no two fields hold the same one by chance.
class Filler {
 public:
  std::string S() { return "v" + std::to_string(++n_); }
  int64_t I() { return -1000 - ++n_; }  // negative: exercises the zig-zag
  uint64_t U() { return 1000 + ++n_; }
  std::vector<std::string> L() { return {S(), S()}; }

 private:
  int n_ = 0;
};

Inspection FilledInspection(Filler& f) {
  Inspection i;
  i.seq = f.U();
  i.at = f.I();
  i.head = f.S();
  i.branch = f.S();
  i.branch_matches = true;
  i.worktree_exists = true;
  i.base_is_ancestor = true;
  i.self_review_present = true;
  i.reviewable = true;
  i.ahead_of_base = f.I();
  i.behind_integration = f.I();
  i.ahead_of_integration = f.I();
  i.forbidden_touched = f.L();
  i.outside_allowed = f.L();
  i.dirty = f.L();
  i.problems = f.L();
  return i;
}

TaskFacts FilledFacts(Filler& f) {
  TaskFacts t;
  t.state = TaskState::kCleanupNeeded;
  t.before_block = TaskState::kReviewing;
  t.abandoned = true;
  t.branch = f.S();
  t.base_commit = f.S();
  t.worktree = f.S();
  t.pending_worktree_id = f.S();
  t.self_review_path = f.S();
  t.allowed = f.L();
  t.forbidden = f.L();
  t.strongest_passing_gate = 5;
  t.evidence_labels = f.L();
  t.merge_commit = f.S();
  t.pushed_commit = f.S();
  t.merged_seq = f.U();
  t.has_inspection = true;
  t.inspection = FilledInspection(f);
  t.last_at = f.I();
  return t;
}

TaskModel FilledTask(Filler& f, const std::string& id) {
  TaskModel t;
  t.id = id;
  t.first_seq = f.U();
  t.facts = FilledFacts(f);
  t.title = f.S();
  t.package_id = f.S();
  t.worker = f.S();
  t.thread_id = f.S();
  t.gates = f.L();
  t.expected_evidence = f.S();
  t.dispatched_at = f.I();
  t.state_since = f.I();
  t.budget = Budget{f.I(), f.I(), f.S()};
  t.constraint_stack = ConstraintStack{f.S(), f.L(), f.L(), f.L(), f.L(), f.S(), f.L(), f.S(), f.S()};
  t.last_commit = f.S();
  t.claimed_evidence = f.S();
  t.verdict = f.S();
  t.reviewer = f.S();
  t.review_evidence = f.S();
  t.review_override = f.S();
  t.review_overridden = f.L();
  t.commits = f.I();
  t.residual_risks = f.L();
  t.gate_runs = {GateRun{f.I(), f.S(), f.S(), f.S(), f.S()}, GateRun{f.I(), f.S(), f.S(), f.S(), f.S()}};
  t.evidence_notes = f.L();
  t.merged_at = f.I();
  t.pushed_at = f.I();
  t.cleaned_at = f.I();
  t.worktree_removed = true;
  t.branch_deleted = true;
  t.blocked_reason = f.S();
  t.needs_human = true;
  t.stale_action = f.S();
  t.idle_seconds = f.I();
  t.stale_reason = f.S();
  t.stale_since = f.I();
  t.progress_at = f.I();
  t.ready_at = f.I();
  t.stalls = f.L();
  t.dirt = f.S();
  t.dirty_at = f.I();
  t.last_observation = Observation{f.I(), f.S(), f.S()};
  t.events = f.U();
  t.anomalies = f.U();
  t.history_dropped = f.U();
  t.history = {HistoryEntry{f.U(), f.I(), EventType::Merged, TaskState::kMerged, f.S(), f.S(), f.S()}};
  t.transitions = {Transition{f.I(), TaskState::kBlocked}, Transition{f.I(), TaskState::kRejected}};
  return t;
}

ProjectModel FilledModel() {
  Filler f;
  ProjectModel m;
  m.head_seq = f.U();
  m.events = f.U();
  m.first_at = f.I();
  m.last_at = f.I();
  m.max_at = f.I();
  m.initialized = true;
  m.created_at = f.I();
  m.settings.project_root = f.S();
  m.settings.default_branch = f.S();
  m.settings.remote = f.S();
  m.settings.push_policy = f.S();
  m.settings.max_concurrency = f.I();
  m.missed_after_seconds = f.I();
  m.stale_after_seconds = f.I();
  m.watch_every_seconds = f.I();
  m.setup_allowance_seconds = f.I();
  m.serial_paths = f.L();
  m.integration_dirty = true;
  m.integration_dirty_since = f.I();
  m.integration_dirt = f.S();
  m.integration_seq = f.U();
  m.run_mode = f.S();
  m.run_mode_reason = f.S();
  m.run_mode_since = f.I();
  m.last_heartbeat_at = f.I();
  m.next_heartbeat_at = f.I();
  m.last_heartbeat_source = f.S();
  m.heartbeats = f.U();
  m.missed_total = f.U();
  m.heartbeat_ticks = {f.I(), f.I()};
  m.missed = {MissedHeartbeat{f.U(), f.I(), f.I(), f.I()}};
  m.missed_through = f.I();
  m.holes = {HeartbeatHole{f.I(), f.I(), f.I(), f.I()}};
  m.packages = {PackageModel{f.S(), f.S(), f.S(), LaneStatus::kBlocked, true, f.I(), f.I()}};
  m.current_lane = f.S();
  m.lane_changes = {LaneChange{f.I(), f.S(), f.S()}};
  m.tasks = {FilledTask(f, "T1"), FilledTask(f, "T2")};
  m.anomalies_total = f.U();
  m.drift_total = f.U();
  m.anomalies = {Finding{f.U(), f.I(), f.S(), EventType::Cleaned, f.S(), f.S()}};
  m.drift = {Finding{f.U(), f.I(), f.S(), EventType::DriftDetected, f.S(), f.S()}};
  m.recent = {
      RecentEvent{f.U(), f.I(), f.S(), EventType::Gate, schema::Claim::inferred, f.S(), f.S(), f.S()}};
  m.external_reviews_total = f.U();
  m.external_reviews = {ExternalReview{f.U(), f.I(), f.S(), f.S(), f.S(), f.S(), f.S(), f.I(), f.I()}};
  m.RebuildIndex();
  return m;
}

// The distinct fields named in `d` (the part of each path after `prefix`
// up to the next '.' or '[').
std::set<std::string> FieldsNamed(const Differences& d, const std::string& prefix) {
  std::set<std::string> names;
  for (const std::string& line : d) {
    std::string rest = line.substr(prefix.size());
    names.insert(rest.substr(0, rest.find_first_of(".[:")));
  }
  return names;
}

template <typename X>
size_t NamedAgainstDefault(const X& filled) {
  Differences d;
  Compare("x.", filled, X{}, &d);
  return FieldsNamed(d, "x..").size();
}

// Every field of every struct differs from its default in the filled model
// and is compared: as many fields named as the struct has (FieldCount).
TEST(ModelCodecFields, EveryFieldIsFilledAndCompared) {
  Filler f;
  EXPECT_EQ(NamedAgainstDefault(FilledInspection(f)), FieldCount<Inspection>());
  EXPECT_EQ(NamedAgainstDefault(FilledFacts(f)), FieldCount<TaskFacts>());
  EXPECT_EQ(NamedAgainstDefault(FilledTask(f, "T9")), FieldCount<TaskModel>());
  const ProjectModel m = FilledModel();
  EXPECT_EQ(NamedAgainstDefault(m.tasks[0].gate_runs[0]), FieldCount<GateRun>());
  EXPECT_EQ(NamedAgainstDefault(m.tasks[0].history[0]), FieldCount<HistoryEntry>());
  EXPECT_EQ(NamedAgainstDefault(m.tasks[0].transitions[0]), FieldCount<Transition>());
  EXPECT_EQ(NamedAgainstDefault(m.tasks[0].last_observation), FieldCount<Observation>());
  EXPECT_EQ(NamedAgainstDefault(m.tasks[0].budget), FieldCount<Budget>());
  EXPECT_EQ(NamedAgainstDefault(m.tasks[0].constraint_stack), FieldCount<ConstraintStack>());
  EXPECT_EQ(NamedAgainstDefault(m.settings), FieldCount<ProjectSettings>());
  EXPECT_EQ(NamedAgainstDefault(m.packages[0]), FieldCount<PackageModel>());
  EXPECT_EQ(NamedAgainstDefault(m.lane_changes[0]), FieldCount<LaneChange>());
  EXPECT_EQ(NamedAgainstDefault(m.missed[0]), FieldCount<MissedHeartbeat>());
  EXPECT_EQ(NamedAgainstDefault(m.holes[0]), FieldCount<HeartbeatHole>());
  EXPECT_EQ(NamedAgainstDefault(m.anomalies[0]), FieldCount<Finding>());
  EXPECT_EQ(NamedAgainstDefault(m.recent[0]), FieldCount<RecentEvent>());
  EXPECT_EQ(NamedAgainstDefault(m.external_reviews[0]), FieldCount<ExternalReview>());
  // ProjectModel: all but task_index, which is derived (RebuildIndex).
  Differences d = ModelDifferences(m, ProjectModel{});
  EXPECT_EQ(FieldsNamed(d, "").size() + 1, FieldCount<ProjectModel>());
}

// Through the field lists (field_list.h): a model that differs from the
// default in one member only, for every listed member down the tree (list
// members get one item). Compare must name that member, and the member
// must survive the codec. A member missing from its list fails the build
// (CheckFieldList); this catches one listed but skipped or misnamed.
class OneFieldModels {
 public:
  using Edit = std::function<void(ProjectModel&)>;
  struct Case {
    std::string path;
    Edit edit;
  };

  static std::vector<Case> All() {
    std::vector<Case> cases;
    Walk<ProjectModel>(
        "", [](ProjectModel& m) -> ProjectModel& { return m; }, &cases);
    return cases;
  }

 private:
  template <typename T>
  static void Change(T& v) {
    if constexpr (std::is_same_v<T, std::string>) {
      v += "changed";
    } else if constexpr (std::is_same_v<T, bool>) {
      v = !v;
    } else if constexpr (std::is_enum_v<T>) {
      v = static_cast<T>(static_cast<std::underlying_type_t<T>>(v) + 1);
    } else {
      v += 7;
    }
  }

  template <typename S, typename Get>
  static void Walk(const std::string& path, Get get, std::vector<Case>* cases) {
    S::Fields([&](const char* name, auto member, auto... opt) {
      if constexpr (PartOf<decltype(opt)...>() != FieldPart::kDerived) {
        const std::string at = path.empty() ? name : path + "." + name;
        auto field = [ get, member ](ProjectModel & m) -> auto& { return get(m).*member; };
        // An OnlyIf member is only there with its flag set.
        auto present = [get, opt...](ProjectModel& m) { (SetFlag(get(m), opt), ...); };
        Member<std::decay_t<decltype(std::declval<S&>().*member)>>(at, field, present, cases);
      }
    });
  }

  template <typename S, typename O>
  static void SetFlag(S& s, O o) {
    if constexpr (std::is_same_v<O, OnlyIf<S>>) s.*(o.flag) = true;
  }

  template <typename T, typename Get, typename Present>
  static void Member(const std::string& at, Get get, Present present, std::vector<Case>* cases) {
    if constexpr (kHasFieldList<T>) {
      Walk<T>(
          at,
          [get, present](ProjectModel& m) -> T& {
            present(m);
            return get(m);
          },
          cases);
    } else if constexpr (IsList<T>::value) {
      using Item = typename T::value_type;
      if constexpr (kHasFieldList<Item>) {
        Walk<Item>(
            at + "[0]",
            [get, present](ProjectModel& m) -> Item& {
              present(m);
              T& list = get(m);
              if (list.empty()) list.resize(1);
              return list[0];
            },
            cases);
      } else {
        cases->push_back({at, [get, present](ProjectModel& m) {
                            present(m);
                            get(m).resize(1);
                            Change(get(m)[0]);
                          }});
      }
    } else {
      cases->push_back({at, [get, present](ProjectModel& m) {
                          present(m);
                          Change(get(m));
                        }});
    }
  }
};

TEST(ModelCodecFields, EveryListedMemberIsComparedAndEncoded) {
  const std::vector<OneFieldModels::Case> cases = OneFieldModels::All();
  EXPECT_GT(cases.size(), 150u);
  for (const OneFieldModels::Case& c : cases) {
    ProjectModel base;
    base.tasks.resize(1);  // the task lists' items need their task
    base.tasks[0].id = "T1";
    base.RebuildIndex();
    ProjectModel changed = base;
    c.edit(changed);
    const Differences d = ModelDifferences(base, changed);
    EXPECT_FALSE(d.empty()) << c.path << " is not compared";
    auto back = DecodeModel(EncodeModel(changed));
    ASSERT_TRUE(back.ok()) << c.path << ": " << back.status();
    const Differences lost = ModelDifferences(*back, changed);
    EXPECT_TRUE(lost.empty()) << c.path << " is lost in the codec: " << lost.front();
  }
}

TEST(ModelCodecFields, RoundTripKeepsEveryField) {
  const ProjectModel m = FilledModel();
  auto back = DecodeModel(EncodeModel(m));
  ASSERT_TRUE(back.ok()) << back.status();
  const Differences d = ModelDifferences(*back, m);
  EXPECT_TRUE(d.empty()) << "lost in the codec: " << d.front();
  EXPECT_TRUE(*back == m);
  EXPECT_EQ(back->FindTask("T2"), &back->tasks[1]);
}

TEST(ModelCodecFields, CoreAloneKeepsEverythingButTheDetails) {
  const ProjectModel m = FilledModel();
  const EncodedModel parts = EncodeModelParts(m);
  auto core = DecodeModelParts(parts.core, std::nullopt);
  ASSERT_TRUE(core.ok()) << core.status();
  ProjectModel expected = m;
  for (TaskModel& t : expected.tasks) {
    // The budget is in the core: the next action reads it.
    t.constraint_stack = ConstraintStack{};
    t.residual_risks.clear();
    t.gate_runs.clear();
    t.evidence_notes.clear();
    t.history.clear();
    t.transitions.clear();
  }
  const Differences d = ModelDifferences(*core, expected);
  EXPECT_TRUE(d.empty()) << d.front();
  auto whole = DecodeModelParts(parts.core, parts.details);
  ASSERT_TRUE(whole.ok());
  EXPECT_TRUE(*whole == m);
}

TEST(ModelCodecFields, TaskFactsRoundTrip) {
  Filler f;
  const TaskFacts facts = FilledFacts(f);
  auto back = DecodeTaskFacts(EncodeTaskFacts(facts));
  ASSERT_TRUE(back.ok()) << back.status();
  Differences d;
  Compare("facts", *back, facts, &d);
  EXPECT_TRUE(d.empty()) << d.front();
  const std::string bytes = EncodeTaskFacts(facts);
  EXPECT_TRUE(absl::IsDataLoss(DecodeTaskFacts(bytes.substr(0, bytes.size() - 2)).status()));
  EXPECT_TRUE(absl::IsDataLoss(DecodeTaskFacts(bytes + "x").status()));
}

// A lane's status is an enum in the model and its word in a checkpoint, as
// when the model held the word: checkpoints written before still decode,
// and a word the enum does not know is damage.
TEST(ModelCodecFields, ALaneStatusIsStoredAsItsWord) {
  ProjectModel m;
  m.packages = {PackageModel{"checkout", "", "", LaneStatus::kClosed, false, 0, 0}};
  const std::string bytes = EncodeModel(m);
  const std::string word = std::string(1, '\x06') + "closed";
  const size_t at = bytes.find(word);
  ASSERT_NE(at, std::string::npos);
  auto back = DecodeModel(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->packages[0].status, LaneStatus::kClosed);
  std::string forged = bytes;
  forged.replace(at, word.size(), std::string(1, '\x06') + "frozen");
  EXPECT_TRUE(absl::IsDataLoss(DecodeModel(forged).status()));
}

// The comparison names what differs, so verify can say it.
TEST(ModelCodecFields, DifferencesNameTheField) {
  ProjectModel a = FilledModel();
  ProjectModel b = a;
  b.tasks[1].title = "forged";
  b.tasks[0].facts.state = TaskState::kAccepted;
  const Differences d = ModelDifferences(a, b);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0], "tasks[T1].facts.state: cleanup-needed vs accepted");
  EXPECT_EQ(d[1].substr(0, 18), "tasks[T2].title: '");
  EXPECT_FALSE(a == b);
}

}  // namespace
}  // namespace orch

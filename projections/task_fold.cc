#include "projections/task_fold.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "base/status_macros.h"
#include "base/time_text.h"
#include "projections/event_family.h"
#include "projections/task_rules.h"
#include "schema/event_schema.h"
#include "schema/fb_string.h"

namespace orch {

namespace {

using T = schema::Payload;
using S = TaskState;
using StrVec = flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>;

bool In(S s, std::initializer_list<S> set) { return std::find(set.begin(), set.end(), s) != set.end(); }

constexpr auto Str = FbStr;

std::vector<std::string> List(const StrVec* v) {
  std::vector<std::string> out;
  if (v == nullptr) return out;
  out.reserve(v->size());
  for (const auto* s : *v) out.push_back(s->str());
  return out;
}

void AppendList(const StrVec* v, std::vector<std::string>* out) {
  if (v == nullptr) return;
  for (const auto* s : *v) out->push_back(s->str());
}

// Later events refine earlier ones; an empty field keeps what was known.
void SetIfGiven(std::string* field, const flatbuffers::String* value) {
  if (value != nullptr && value->size() > 0) *field = value->str();
}

// Labels a task may show: bounded like the model's other per-task lists.
constexpr size_t kLabelLimit = 16;

void AddBacked(const std::string& label, std::vector<std::string>* labels) {
  if (label.empty() || std::find(labels->begin(), labels->end(), label) != labels->end()) return;
  labels->push_back(label);
  if (labels->size() > kLabelLimit) labels->erase(labels->begin());
}

bool Empty(const StrVec* v) { return v == nullptr || v->size() == 0; }

void ApplyInspection(const LoggedEvent& e, const schema::Inspected& p, TaskFacts* t) {
  Inspection& i = t->inspection;
  t->has_inspection = true;
  i.seq = e.seq();
  i.at = e.time_ns();
  i.head = p.head() == nullptr ? "" : p.head()->str();
  i.branch = p.branch() == nullptr ? "" : p.branch()->str();
  i.branch_matches = p.branch_matches();
  i.worktree_exists = p.worktree_exists();
  i.base_is_ancestor = p.base_is_ancestor();
  i.self_review_present = p.self_review_present();
  i.reviewable = p.reviewable();
  i.ahead_of_base = p.ahead_of_base();
  i.behind_integration = p.behind_integration();
  i.ahead_of_integration = p.ahead_of_integration();
  i.forbidden_touched = List(p.forbidden_touched());
  i.outside_allowed = List(p.outside_allowed());
  i.dirty.clear();
  AppendList(p.staged(), &i.dirty);
  AppendList(p.unstaged(), &i.dirty);
  AppendList(p.untracked(), &i.dirty);
  i.problems = List(p.problems());
  // A clean commit beyond the base means completed-unreviewed even if the
  // worker never said so.
  const bool clean = Empty(p.staged()) && Empty(p.unstaged()) && Empty(p.untracked());
  if (p.worktree_exists() && clean && p.ahead_of_base() > 0 &&
      In(t->state, {S::kActive, S::kStaleNeedsInspection})) {
    t->state = S::kCompletedUnreviewed;
  }
}

// Why cleaning the task now could lose work, from the latest inspection
// that counts; "" when nothing says so. An explicitly abandoned task may be
// cleaned whatever is left in it.
std::string CleaningLoses(const TaskFacts& t) {
  if (t.abandoned || !t.has_inspection) return "";
  const Inspection& i = t.inspection;
  if (!i.dirty.empty()) {
    return absl::StrCat("the latest inspection (#", i.seq,
                        ") shows uncommitted paths cleaning would lose: ", absl::StrJoin(i.dirty, ", "));
  }
  // Inspected after the merge: the branch must hold nothing the
  // integration branch lacks.
  if (t.merged_seq != 0 && i.seq > t.merged_seq && i.ahead_of_integration > 0) {
    return absl::StrCat("the latest inspection (#", i.seq, ") shows head ", i.head.substr(0, 10), " with ",
                        i.ahead_of_integration, " commit(s) not in the integration branch (unmerged)");
  }
  return "";
}

// The state rules: "" when `type` may follow `t`, else why not.
std::string StateProblem(const TaskFacts& t, const schema::Event& e) {
  const S s = t.state;
  switch (e.payload_type()) {
    case T::Inspected:
    case T::DriftDetected:
    case T::Note:
    case T::StaleDetected:
    case T::ReviewImported:  // a reviewer's findings may come at any time
      return "";
    case T::Dispatched:
      return "the task was already dispatched";
    case T::WorktreeReady:
    case T::SetupFailed:
      return s == S::kPendingSetup ? "" : "setup is only reported while pending-setup";
    case T::Committed:
      return In(s, {S::kActive, S::kCompletedUnreviewed, S::kStaleNeedsInspection, S::kRejected})
                 ? ""
                 : "workers commit only while the task is active";
    case T::Completed:
      return In(s, {S::kActive, S::kStaleNeedsInspection, S::kCompletedUnreviewed})
                 ? ""
                 : "only an active task can complete";
    case T::Gate:
      return IsTerminal(s) ? "the task is finished" : "";
    case T::ReviewStarted:
      return s == S::kCompletedUnreviewed ? "" : "review starts after completion";
    case T::Reviewed: {
      if (!In(s, {S::kReviewing, S::kCompletedUnreviewed})) return "only a completed task can be reviewed";
      const auto* r = e.payload_as_Reviewed();
      const absl::string_view claimed = Str(e.evidence());
      if (r != nullptr && r->verdict() == schema::Verdict::accepted && !claimed.empty() &&
          !Backs(t, claimed)) {
        const int64_t best = t.strongest_passing_gate;
        return absl::StrCat("evidence '", Str(e.evidence()),
                            "' overclaims: the strongest passing gate gives '",
                            best <= 0 ? "none" : EvidenceLabels()[best - 1], "'");
      }
      return "";
    }
    case T::Merged:
      return s == S::kAccepted ? "" : "only accepted work may be merged";
    case T::Pushed:
      return s == S::kMerged ? "" : "only merged work can be pushed";
    case T::Cleaned: {
      if (!In(s, {S::kMerged, S::kPushed, S::kAbandoned, S::kCleanupNeeded})) {
        return "cleaning needs proof the work is safe (merged, pushed or abandoned)";
      }
      return CleaningLoses(t);
    }
    case T::Blocked:
      return IsTerminal(s) || s == S::kBlocked ? "the task cannot be blocked now" : "";
    case T::Unblocked:
      return s == S::kBlocked ? "" : "the task is not blocked";
    case T::Abandoned:
      return In(s, {S::kMerged, S::kPushed, S::kCleaned, S::kAbandoned})
                 ? "merged or finished work cannot be abandoned"
                 : "";
    // Project-level types: the guard refuses them with a task; a log that
    // has one anyway folds it as a project event.
    case T::NONE:
    case T::ProjectInitialized:
    case T::PackageOpened:
    case T::PackageClosed:
    case T::PackageBlocked:
    case T::Heartbeat:
    case T::HeartbeatMissed:
    case T::RunModeChanged:
    case T::StoreRecovered:
    case T::Settings:
      return "";
  }
  return "";
}

}  // namespace

bool RequiresTask(EventType type) {
  switch (FamilyOf(type)) {
    case EventFamily::kWork:
      return true;
    // A push without a task moves every merged task; an imported review
    // may be about a lane.
    case EventFamily::kReview:
      return type != T::Pushed && type != T::ReviewImported;
    // Drift may be the project's (the integration checkout).
    case EventFamily::kStop:
      return type != T::DriftDetected;
    case EventFamily::kNone:
    case EventFamily::kProject:
    case EventFamily::kLoop:
    case EventFamily::kNote:
      return false;
  }
  return false;
}

bool ForbidsTask(EventType type) {
  const EventFamily f = FamilyOf(type);
  return f == EventFamily::kProject || f == EventFamily::kLoop;
}

bool TouchesUnknownTask(EventType type) {
  return type == T::Dispatched || type == T::Pushed || RequiresTask(type);
}

const std::vector<EventType>& TasklessMoverTypes() {
  static const auto* types = new std::vector<EventType>{T::Pushed};
  return *types;
}

bool IsImportedHistory(const schema::Event& e) {
  return Str(e.actor()) == kImportActor && absl::StartsWith(Str(e.idempotency_key()), kImportKeyPrefix);
}

bool CountsAsInspection(const schema::Event& e) {
  if (e.payload_type() != T::Inspected || e.claim() != schema::Claim::observed) return false;
  const absl::string_view actor = Str(e.actor());
  return actor == kInspectActor || actor == kObserveActor;
}

StepCheck CheckStep(const TaskFacts& t, const LoggedEvent& le) {
  const schema::Event& e = le.event();
  const T type = e.payload_type();
  const std::string task(le.task());
  if (task.empty() || ForbidsTask(type)) return {};
  auto impossible = [&](absl::string_view why) {
    return StepCheck{Problem::kImpossible,
                     absl::StrCat(ToKebab(schema::EnumNamePayload(type)), " for task '", task, "' in state ",
                                  TaskStateName(t.state), ": ", why)};
  };
  if (t.state == S::kUnknown && type != T::Dispatched) {
    if (!TouchesUnknownTask(type)) return {};  // a note or drift may name any id
    return {Problem::kUnknownTask, absl::StrCat("unknown task '", task, "': no dispatched event for it")};
  }
  if (t.state != S::kUnknown) {
    if (std::string why = StateProblem(t, e); !why.empty()) return impossible(why);
  }
  if (t.last_at != 0 && le.time_ns() < t.last_at) {
    return impossible(absl::StrCat("it is dated ", FormatRfc3339(le.time_ns()),
                                   ", before the task's previous event at ", FormatRfc3339(t.last_at)));
  }
  return {};
}

std::string StateProblemFor(const TaskFacts& t, const schema::Event& e) {
  if (t.state == S::kUnknown && e.payload_type() != T::Dispatched) return "no dispatched event for the task";
  if (t.state == S::kUnknown) return "";
  std::string why = StateProblem(t, e);
  if (why.empty()) return why;
  return absl::StrCat(ToKebab(schema::EnumNamePayload(e.payload_type())), " in state ",
                      TaskStateName(t.state), ": ", why);
}

namespace {

// From dispatch to completion, and what orch saw of the work.
void ApplyWorkEvent(const LoggedEvent& le, TaskFacts* t) {
  const schema::Event& e = le.event();
  switch (e.payload_type()) {
    case T::Dispatched: {
      t->state = S::kPendingSetup;
      const auto* p = e.payload_as_Dispatched();
      if (p == nullptr) break;
      t->branch = std::string(Str(p->branch()));
      t->base_commit = std::string(Str(p->base_commit()));
      t->pending_worktree_id = std::string(Str(p->pending_worktree_id()));
      t->self_review_path = std::string(Str(p->self_review_path()));
      t->allowed = List(p->allowed());
      t->forbidden = List(p->forbidden());
      break;
    }
    case T::WorktreeReady: {
      t->state = S::kActive;
      if (const auto* p = e.payload_as_WorktreeReady()) {
        SetIfGiven(&t->worktree, p->worktree());
        SetIfGiven(&t->branch, p->branch());
        SetIfGiven(&t->base_commit, p->base_commit());
      }
      break;
    }
    case T::SetupFailed:
      t->before_block = S::kPendingSetup;
      t->state = S::kBlocked;
      break;
    case T::Committed:
      if (t->state != S::kCompletedUnreviewed) t->state = S::kActive;
      break;
    case T::Completed:
      t->state = S::kCompletedUnreviewed;
      if (const auto* p = e.payload_as_Completed()) SetIfGiven(&t->self_review_path, p->self_review_path());
      break;
    case T::Inspected:
      // A worker's word about its worktree is a claim: it moves nothing.
      if (const auto* p = e.payload_as_Inspected(); p != nullptr && CountsAsInspection(e)) {
        ApplyInspection(le, *p, t);
      }
      break;
    case T::Gate: {
      const auto* g = e.payload_as_Gate();
      if (g != nullptr && g->result() == schema::GateResult::pass) {
        const int rank = EvidenceRank(Str(g->label()));
        t->strongest_passing_gate = std::max<int64_t>(t->strongest_passing_gate, rank);
        if (rank > 0) AddBacked(g->label()->str(), &t->evidence_labels);
      }
      break;
    }
    default:
      break;
  }
}

// Review, integration and clean-up (an imported review moves nothing).
void ApplyReviewEvent(const LoggedEvent& le, TaskFacts* t) {
  const schema::Event& e = le.event();
  switch (e.payload_type()) {
    case T::ReviewStarted:
      t->state = S::kReviewing;
      break;
    case T::Reviewed: {
      const auto* r = e.payload_as_Reviewed();
      const auto v = r == nullptr ? schema::Verdict::accepted : r->verdict();
      // The review's label is backed only when the gates back it (the
      // overclaim check of CheckStep); an overclaim recorded as observed
      // stays a claim.
      if (v == schema::Verdict::accepted && Backs(*t, Str(e.evidence()))) {
        AddBacked(e.evidence()->str(), &t->evidence_labels);
      }
      t->state = v == schema::Verdict::accepted   ? S::kAccepted
                 : v == schema::Verdict::rejected ? S::kRejected
                                                  : S::kActive;
      break;
    }
    case T::Merged:
      t->state = S::kMerged;
      t->merged_seq = le.seq();
      if (const auto* p = e.payload_as_Merged()) SetIfGiven(&t->merge_commit, p->merge_commit());
      break;
    case T::Pushed:
      t->state = S::kPushed;
      if (const auto* p = e.payload_as_Pushed()) SetIfGiven(&t->pushed_commit, p->commit());
      break;
    case T::Cleaned:
      t->state = S::kCleaned;
      break;
    default:
      break;
  }
}

// Blocking, abandoning, and what the watchdog and observe found.
void ApplyStopEvent(const LoggedEvent& le, TaskFacts* t) {
  switch (le.event().payload_type()) {
    case T::Blocked:
      if (t->state != S::kBlocked) t->before_block = t->state;
      t->state = S::kBlocked;
      break;
    case T::Unblocked:
      t->state = t->before_block == S::kUnknown ? S::kActive : t->before_block;
      break;
    case T::Abandoned:
      t->state = S::kAbandoned;
      t->abandoned = true;
      break;
    case T::StaleDetected:
      if (In(t->state, {S::kActive, S::kPendingSetup})) t->state = S::kStaleNeedsInspection;
      break;
    case T::DriftDetected:
      // Something of a finished task is still in the repository.
      if (t->state == S::kCleaned) t->state = S::kCleanupNeeded;
      break;
    default:
      break;
  }
}

}  // namespace

bool ApplyEvent(TaskFacts* t, const LoggedEvent& le) {
  const schema::Event& e = le.event();
  const T type = e.payload_type();
  if (ForbidsTask(type)) return false;
  if (le.task().empty()) {
    // The integration branch reached the remote: everything merged is pushed.
    if (type != T::Pushed || !MovedByProjectPush(*t)) return false;
    t->state = S::kPushed;
    if (const auto* p = e.payload_as_Pushed()) SetIfGiven(&t->pushed_commit, p->commit());
    t->last_at = std::max(t->last_at, le.time_ns());
    return true;
  }
  if (t->state == S::kUnknown && !TouchesUnknownTask(type)) return false;
  t->last_at = std::max(t->last_at, le.time_ns());
  switch (FamilyOf(type)) {
    case EventFamily::kWork:
      ApplyWorkEvent(le, t);
      break;
    case EventFamily::kReview:
      ApplyReviewEvent(le, t);
      break;
    case EventFamily::kStop:
      ApplyStopEvent(le, t);
      break;
    case EventFamily::kNote:  // shown by the project fold; moves nothing
      break;
    case EventFamily::kNone:
    case EventFamily::kProject:
    case EventFamily::kLoop:
      return false;  // never reached: ForbidsTask above
  }
  return true;
}

void TaskFold::Apply(const LoggedEvent& e) {
  if (ForbidsTask(e.type())) return;
  if (e.task().empty()) {
    for (auto& [id, facts] : tasks_) ApplyEvent(&facts, e);
    return;
  }
  const std::string id(e.task());
  auto it = tasks_.find(id);
  if (it == tasks_.end()) {
    if (!TouchesUnknownTask(e.type())) return;
    it = tasks_.emplace(id, TaskFacts{}).first;
  }
  ApplyEvent(&it->second, e);
}

const TaskFacts* TaskFold::Find(const std::string& task) const {
  auto it = tasks_.find(task);
  return it == tasks_.end() ? nullptr : &it->second;
}

absl::Status FoldTaskEvents(const EventStore& store, const std::string& task, uint64_t from_seq,
                            uint64_t to_seq, TaskFacts* facts) {
  if (from_seq > to_seq) return absl::OkStatus();
  EventQuery mine;
  mine.task = task;
  mine.from_seq = from_seq;
  mine.to_seq = to_seq;
  // Movers before the task's first event cannot move it: an unknown task
  // starts reading them there.
  uint64_t movers_from = from_seq;
  if (facts->state == S::kUnknown) {
    uint64_t first = 0;
    ORCH_RETURN_IF_ERROR(store.Scan(mine, [&first](const LoggedEvent& e) {
      first = e.seq();
      return false;
    }));
    if (first == 0) return absl::OkStatus();
    movers_from = first;
  }
  std::vector<LoggedEvent> movers;
  EventQuery mq;
  mq.types = TasklessMoverTypes();
  mq.from_seq = movers_from;
  mq.to_seq = to_seq;
  ORCH_RETURN_IF_ERROR(store.Scan(mq, [&movers](const LoggedEvent& e) {
    if (e.task().empty()) movers.push_back(e.Own());
    return true;
  }));
  size_t next = 0;
  ORCH_RETURN_IF_ERROR(store.Scan(mine, [&](const LoggedEvent& e) {
    for (; next < movers.size() && movers[next].seq() < e.seq(); ++next) ApplyEvent(facts, movers[next]);
    ApplyEvent(facts, e);
    return true;
  }));
  for (; next < movers.size(); ++next) ApplyEvent(facts, movers[next]);
  return absl::OkStatus();
}

absl::StatusOr<TaskFacts> LoadTaskFacts(const EventStore& store, const std::string& task, uint64_t to_seq) {
  TaskFacts facts;
  ORCH_RETURN_IF_ERROR(FoldTaskEvents(store, task, 1, to_seq, &facts));
  return facts;
}

}  // namespace orch

#include "projections/project_fold.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/time_text.h"
#include "projections/event_family.h"
#include "projections/event_summary.h"
#include "projections/task_rules.h"
#include "schema/event_schema.h"
#include "schema/fb_string.h"

namespace orch {

namespace {

using T = schema::Payload;
using StrVec = flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>;

constexpr auto S = FbString;

std::vector<std::string> L(const StrVec* v) {
  std::vector<std::string> out;
  if (v == nullptr) return out;
  out.reserve(v->size());
  for (const auto* s : *v) out.push_back(s->str());
  return out;
}

// Appends to a bounded deque, dropping the oldest.
template <typename X>
void PushBounded(std::deque<X>* d, X x, size_t limit) {
  d->push_back(std::move(x));
  if (d->size() > limit) d->pop_front();
}

// Appends to a bounded vector, dropping the oldest (a per-task list is short,
// so the erase is cheap).
template <typename X>
void PushBounded(std::vector<X>* v, X x, size_t limit) {
  v->push_back(std::move(x));
  if (v->size() > limit) v->erase(v->begin());
}

// Heartbeat times in time order (one recorded late goes where it belongs),
// the newest kListLimit.
void AddTick(std::deque<int64_t>* ticks, int64_t at) {
  ticks->insert(std::upper_bound(ticks->begin(), ticks->end(), at), at);
  if (ticks->size() > kListLimit) ticks->pop_front();
}

// The first entry (dispatched) stays: it says where the task came from.
void AddHistory(TaskModel* t, HistoryEntry h) {
  t->history.push_back(std::move(h));
  if (t->history.size() > kHistoryLimit) {
    t->history.erase(t->history.begin() + 1);
    ++t->history_dropped;
  }
}

// The newest package still open (or blocked), other than `except`.
std::string NewestOpenLane(const std::vector<PackageModel>& packages, const std::string& except) {
  const PackageModel* best = nullptr;
  for (const PackageModel& p : packages) {
    if (p.id == except || p.status == LaneStatus::kClosed) continue;
    if (best == nullptr || p.opened_at >= best->opened_at) best = &p;
  }
  return best == nullptr ? "" : best->id;
}

PackageModel* PackageFor(std::vector<PackageModel>* packages, const std::string& id, int64_t at) {
  for (PackageModel& p : *packages) {
    if (p.id == id) return &p;
  }
  PackageModel p;
  p.id = id;
  p.opened_at = at;
  packages->push_back(std::move(p));
  return &packages->back();
}

// What the ledger's lastObservation says for an observed or inferred fact.
std::string ObservationResult(const schema::Event& ev) {
  if (ev.payload_type() == T::Inspected) {
    return ev.payload_as_Inspected()->reviewable() ? "reviewable" : "not-reviewable";
  }
  if (ev.payload_type() == T::StaleDetected) return "stale";
  if (ev.payload_type() == T::DriftDetected) {
    return absl::StrCat("drift: ", S(ev.payload_as_DriftDetected()->kind()));
  }
  return EventTypeName(ev.payload_type());
}

// Is the event an observation for the ledger's lastObservation? An
// inspection only when it counts (CountsAsInspection).
// An imported event claimed `observed` only because our lifecycle forbids
// the predecessor's step: it is the predecessor's word, not an observation.
bool IsObservation(const schema::Event& ev) {
  if (ev.payload_type() == T::Inspected) return CountsAsInspection(ev);
  const bool observed = ev.claim() != schema::Claim::reported && !IsImportedHistory(ev);
  return observed || ev.payload_type() == T::StaleDetected || ev.payload_type() == T::DriftDetected;
}

// Records a state change `e` made (state_since, transitions).
void NoteStateChange(const LoggedEvent& e, TaskState before, TaskModel* t) {
  if (t->facts.state == before) return;
  t->state_since = e.time_ns();
  if (t->facts.state == TaskState::kCompletedUnreviewed) t->ready_at = e.time_ns();
  PushBounded(&t->transitions, Transition{e.time_ns(), t->facts.state}, kTransitionLimit);
}

// Facts only; an inspection that counts also says whether work is left
// uncommitted in the worktree.
void NoteInspectedDirt(const LoggedEvent& e, TaskModel* t) {
  const schema::Event& ev = e.event();
  const auto* p = ev.payload_as_Inspected();
  if (p == nullptr || !CountsAsInspection(ev) || !p->worktree_exists()) return;
  std::vector<std::string> parts;
  const auto part = [&parts](const char* what,
                             const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* v) {
    if (v == nullptr || v->size() == 0) return;
    std::vector<std::string> paths;
    for (const auto* s : *v) paths.push_back(s->str());
    parts.push_back(absl::StrCat(what, " ", absl::StrJoin(paths, ", ")));
  };
  part("staged", p->staged());
  part("unstaged", p->unstaged());
  part("untracked", p->untracked());
  t->dirt = absl::StrJoin(parts, "; ");
  t->dirty_at = t->dirt.empty() ? 0 : e.time_ns();
}

// From dispatch to completion: what the task is, its limits, its work, its
// // gates, and what an inspection saw left uncommitted.
void ApplyWorkFields(const LoggedEvent& e, TaskModel* t) {
  const schema::Event& ev = e.event();
  const int64_t at = e.time_ns();
  switch (ev.payload_type()) {
    case T::Dispatched: {
      const auto* p = ev.payload_as_Dispatched();
      t->title = S(p->title());
      t->package_id = S(p->package_id());
      t->worker = S(p->worker());
      t->gates = L(p->gates());
      t->expected_evidence = S(p->expected_evidence());
      t->dispatched_at = at;
      t->budget = Budget{p->runtime_budget_minutes(), p->review_budget_minutes(), S(p->budget_note())};
      t->constraint_stack = ConstraintStack{S(p->user_instruction()),
                                            L(p->constraints()),
                                            L(p->constraint_allowed_paths()),
                                            L(p->constraint_forbidden_paths()),
                                            L(p->required_gates()),
                                            S(p->evidence_boundary()),
                                            L(p->authority()),
                                            S(p->constraint_package_id()),
                                            S(p->package_switch_reason())};
      break;
    }
    case T::WorktreeReady:
      t->thread_id = S(ev.payload_as_WorktreeReady()->thread_id());
      break;
    case T::SetupFailed:
      t->blocked_reason = absl::StrCat("setup failed: ", S(ev.payload_as_SetupFailed()->reason()));
      t->needs_human = true;
      break;
    case T::Committed:
      t->last_commit = S(ev.payload_as_Committed()->commit());
      ++t->commits;
      break;
    case T::Completed: {
      const auto* p = ev.payload_as_Completed();
      t->claimed_evidence = S(p->claimed_evidence());
      if (p->head() != nullptr && p->head()->size() > 0) t->last_commit = p->head()->str();
      break;
    }
    case T::Gate: {
      const auto* p = ev.payload_as_Gate();
      GateRun run{at, S(p->command()), schema::EnumNameGateResult(p->result()), S(p->label()),
                  S(p->log_path())};
      auto same = std::find_if(t->gate_runs.begin(), t->gate_runs.end(),
                               [&run](const GateRun& g) { return g.command == run.command; });
      if (same != t->gate_runs.end()) t->gate_runs.erase(same);
      PushBounded(&t->gate_runs, std::move(run), kTaskListLimit);
      break;
    }
    case T::Inspected:
      NoteInspectedDirt(e, t);
      break;
    default:
      break;
  }
}

// Review, integration and clean-up.
void ApplyReviewFields(const LoggedEvent& e, TaskModel* t) {
  const schema::Event& ev = e.event();
  const int64_t at = e.time_ns();
  switch (ev.payload_type()) {
    case T::ReviewStarted:
      t->reviewer = S(ev.payload_as_ReviewStarted()->reviewer());
      break;
    case T::Reviewed: {
      const auto* p = ev.payload_as_Reviewed();
      t->verdict = ToKebab(schema::EnumNameVerdict(p->verdict()));
      if (p->reviewer() != nullptr) t->reviewer = p->reviewer()->str();
      t->review_evidence = S(ev.evidence());
      t->residual_risks = L(p->residual_risks());
      // Each review replaces the one before: an override is the latest
      // decision's, not the task's forever.
      t->review_override = S(p->override_reason());
      t->review_overridden = L(p->overridden());
      for (const std::string& r : t->residual_risks) {
        PushBounded(&t->evidence_notes, absl::StrCat("residual risk: ", r), kTaskListLimit);
      }
      break;
    }
    case T::Merged:
      t->merged_at = at;
      break;
    case T::Pushed:
      t->pushed_at = at;
      break;
    case T::Cleaned: {
      const auto* p = ev.payload_as_Cleaned();
      t->worktree_removed = p->worktree_removed();
      t->branch_deleted = p->branch_deleted();
      t->cleaned_at = at;
      break;
    }
    default:
      break;
  }
}

// Why the task is stuck (blocked, abandoned, stale), and dirt drift saw.
void ApplyStopFields(const LoggedEvent& e, TaskModel* t) {
  const schema::Event& ev = e.event();
  switch (ev.payload_type()) {
    case T::Blocked: {
      const auto* p = ev.payload_as_Blocked();
      t->blocked_reason = S(p->reason());
      t->needs_human = p->needs_human();
      break;
    }
    case T::Unblocked:
      t->blocked_reason.clear();
      t->needs_human = false;
      break;
    case T::Abandoned:
      t->blocked_reason = absl::StrCat("abandoned: ", S(ev.payload_as_Abandoned()->reason()));
      t->needs_human = false;
      break;
    case T::StaleDetected: {
      const auto* p = ev.payload_as_StaleDetected();
      t->idle_seconds = p->idle_seconds();
      t->stale_action = S(p->suggested_action());
      t->stale_reason = S(p->reason());
      t->stale_since = p->last_progress_at();
      if (ev.idempotency_key() != nullptr && ev.idempotency_key()->size() > 0) {
        PushBounded(&t->stalls, ev.idempotency_key()->str(), kTaskListLimit);
      }
      break;
    }
    case T::DriftDetected: {
      const auto* p = ev.payload_as_DriftDetected();
      if (S(p->kind()) == "worktree-dirty") {
        t->dirt = S(p->git_shows());
        t->dirty_at = e.time_ns();
      }
      break;
    }
    default:
      break;
  }
}

// The task's fields the pages show beyond its facts (task_fold.h decides
// those).
void ApplyFields(const LoggedEvent& e, TaskModel* t) {
  const schema::Event& ev = e.event();
  switch (FamilyOf(ev.payload_type())) {
    case EventFamily::kWork:
      ApplyWorkFields(e, t);
      break;
    case EventFamily::kReview:  // review-imported: ProjectFold::ApplyReviewImported
      ApplyReviewFields(e, t);
      break;
    case EventFamily::kStop:
      ApplyStopFields(e, t);
      break;
    case EventFamily::kNote:
    case EventFamily::kProject:
    case EventFamily::kLoop:
    case EventFamily::kNone:
      break;
  }
}

// Work on the task, as opposed to an observation of it: what the
// watchdog's idle clock restarts from.
bool IsProgress(EventType type) {
  return type != T::StaleDetected && type != T::DriftDetected && type != T::Inspected;
}

}  // namespace

ProjectFold::ProjectFold(ProjectModel model) : model_(std::move(model)) {
  // A decoded checkpoint comes with its index.
  if (model_.task_index.size() != model_.tasks.size()) model_.RebuildIndex();
}

TaskModel* ProjectFold::TaskFor(const std::string& id, uint64_t seq, bool create) {
  auto it = model_.task_index.find(id);
  if (it != model_.task_index.end()) return &model_.tasks[it->second];
  if (!create) return nullptr;
  model_.task_index.emplace(id, model_.tasks.size());
  model_.tasks.emplace_back();
  model_.tasks.back().id = id;
  model_.tasks.back().first_seq = seq;
  return &model_.tasks.back();
}

void ProjectFold::Apply(const LoggedEvent& e) {
  ProjectModel& m = model_;
  const int64_t at = e.time_ns();
  m.head_seq = e.seq();
  if (m.events++ == 0) m.first_at = at;
  m.last_at = at;
  m.max_at = std::max(m.max_at, at);
  const schema::Event& ev = e.event();
  std::string summary = SummarizeEvent(ev);
  if (e.type() == T::Inspected && !CountsAsInspection(ev)) {
    summary = absl::StrCat("claim, not observed by orch inspect: ", summary);
  }
  std::string anomaly;
  if (!e.task().empty() && !ForbidsTask(e.type())) {
    anomaly = ApplyTask(e, summary);
  } else {
    anomaly = std::string(e.anomaly());
    ApplyProject(e, summary);
  }
  if (IsImportedHistory(ev)) anomaly.clear();  // see ApplyTask
  if (e.type() == T::ReviewImported) ApplyReviewImported(e);
  if (!anomaly.empty()) {
    ++m.anomalies_total;
    PushBounded(&m.anomalies, Finding{e.seq(), at, std::string(e.task()), e.type(), "", anomaly}, kListLimit);
  }
  PushBounded(
      &m.recent,
      RecentEvent{e.seq(), at, std::string(e.task()), e.type(), ev.claim(), summary, S(ev.note()), anomaly},
      kRecentLimit);
}

namespace {

// The project, its settings and its lanes.
void ApplyProjectEvent(const LoggedEvent& e, const std::string& summary, ProjectModel* model) {
  ProjectModel& m = *model;
  const schema::Event& ev = e.event();
  const int64_t at = e.time_ns();
  switch (e.type()) {
    case T::ProjectInitialized: {
      const auto* p = ev.payload_as_ProjectInitialized();
      if (!m.initialized) m.created_at = at;
      m.initialized = true;
      ApplyProjectInitialized(*p, &m.settings);
      break;
    }
    case T::PackageOpened: {
      const auto* p = ev.payload_as_PackageOpened();
      PackageModel* pkg = PackageFor(&m.packages, S(p->package_id()), at);
      pkg->title = S(p->title());
      pkg->reason = S(p->reason());
      pkg->status = LaneStatus::kOpen;
      pkg->needs_human = false;
      pkg->opened_at = at;
      pkg->changed_at = at;
      m.current_lane = pkg->id;
      PushBounded(&m.lane_changes, LaneChange{at, pkg->id, "opened"}, kListLimit);
      break;
    }
    case T::PackageClosed: {
      const auto* p = ev.payload_as_PackageClosed();
      PackageModel* pkg = PackageFor(&m.packages, S(p->package_id()), at);
      pkg->status = LaneStatus::kClosed;
      pkg->reason = S(p->reason());
      pkg->needs_human = false;
      pkg->changed_at = at;
      if (m.current_lane == pkg->id) m.current_lane = NewestOpenLane(m.packages, pkg->id);
      PushBounded(&m.lane_changes, LaneChange{at, pkg->id, "closed"}, kListLimit);
      break;
    }
    case T::PackageBlocked: {
      const auto* p = ev.payload_as_PackageBlocked();
      PackageModel* pkg = PackageFor(&m.packages, S(p->package_id()), at);
      pkg->status = LaneStatus::kBlocked;
      pkg->reason = S(p->reason());
      pkg->needs_human = p->needs_human();
      pkg->changed_at = at;
      PushBounded(&m.lane_changes, LaneChange{at, pkg->id, "blocked"}, kListLimit);
      break;
    }
    case T::RunModeChanged: {
      const auto* p = ev.payload_as_RunModeChanged();
      m.run_mode = schema::EnumNameRunMode(p->mode());
      m.run_mode_reason = S(p->reason());
      m.run_mode_since = at;
      break;
    }
    case T::Settings: {
      // 0 keeps the value set before.
      const auto* p = ev.payload_as_Settings();
      if (p->missed_after_seconds() > 0) m.missed_after_seconds = p->missed_after_seconds();
      if (p->stale_after_seconds() > 0) m.stale_after_seconds = p->stale_after_seconds();
      if (p->watch_every_seconds() > 0) m.watch_every_seconds = p->watch_every_seconds();
      if (p->setup_allowance_seconds() > 0) m.setup_allowance_seconds = p->setup_allowance_seconds();
      if (p->clear_serial_paths()) m.serial_paths.clear();
      if (p->serial_paths() != nullptr && p->serial_paths()->size() > 0) {
        m.serial_paths.clear();
        for (const auto* g : *p->serial_paths()) m.serial_paths.push_back(g->str());
      }
      break;
    }
    default:
      break;
  }
}

// The loop's heartbeats.
void ApplyLoopEvent(const LoggedEvent& e, const std::string& summary, ProjectModel* model) {
  ProjectModel& m = *model;
  const schema::Event& ev = e.event();
  const int64_t at = e.time_ns();
  switch (e.type()) {
    case T::Heartbeat: {
      const auto* p = ev.payload_as_Heartbeat();
      ++m.heartbeats;
      AddTick(&m.heartbeat_ticks, at);
      // The last heartbeat is the latest in time (a tie: the later in the
      // log). One recorded late with an earlier --at is counted but moves
      // nothing: the loop was already heard from after it, and the next
      // wake-up is what that later heartbeat announced.
      if (at < m.last_heartbeat_at) break;
      // A heartbeat late by a minute (or a whole cadence) past the wake-up
      // its predecessor announced closes a hole the watchdog counts.
      if (m.last_heartbeat_at != 0 && m.next_heartbeat_at > m.last_heartbeat_at && at > m.last_heartbeat_at) {
        const int64_t cadence = m.next_heartbeat_at - m.last_heartbeat_at;
        if (at >= m.next_heartbeat_at + std::min<int64_t>(cadence, kMinGraceSeconds * kNs)) {
          PushBounded(&m.holes, HeartbeatHole{m.last_heartbeat_at, m.next_heartbeat_at, cadence / kNs, at},
                      kListLimit);
        }
      }
      m.last_heartbeat_at = at;
      m.last_heartbeat_source = S(p->source());
      m.next_heartbeat_at = p->next_expected_at();
      break;
    }
    case T::HeartbeatMissed: {
      const auto* p = ev.payload_as_HeartbeatMissed();
      ++m.missed_total;
      m.missed_through = std::max(m.missed_through, p->expected_at());
      PushBounded(&m.missed, MissedHeartbeat{e.seq(), at, p->expected_at(), p->gap_seconds()}, kListLimit);
      break;
    }
    default:
      break;
  }
}

// What git showed of the project: the integration branch pushed (every
// // merged task with it), drift.
void ApplyObservedEvent(const LoggedEvent& e, const std::string& summary, ProjectModel* model) {
  ProjectModel& m = *model;
  const schema::Event& ev = e.event();
  const int64_t at = e.time_ns();
  switch (e.type()) {
    case T::Pushed:
      // The integration branch reached the remote: the task fold moves every
      // merged task to pushed.
      for (TaskModel& t : m.tasks) {
        const TaskState before = t.facts.state;
        if (!ApplyEvent(&t.facts, e)) continue;
        ApplyFields(e, &t);
        NoteStateChange(e, before, &t);
        ++t.events;
        AddHistory(&t, HistoryEntry{e.seq(), at, e.type(), t.facts.state, S(ev.note()), summary, ""});
      }
      break;
    case T::DriftDetected: {
      const auto* p = ev.payload_as_DriftDetected();
      ++m.drift_total;
      PushBounded(&m.drift, Finding{e.seq(), at, "", e.type(), S(p->kind()), summary}, kListLimit);
      // The integration checkout as observe last saw it (git/drift.h).
      if (S(p->kind()) == "integration-dirty") {
        if (!m.integration_dirty) m.integration_dirty_since = at;
        m.integration_dirty = true;
        m.integration_dirt = S(p->git_shows());
        m.integration_seq = e.seq();
      } else if (S(p->kind()) == "integration-clean") {
        m.integration_dirty = false;
        m.integration_dirty_since = 0;
        m.integration_dirt.clear();
        m.integration_seq = e.seq();
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace

void ProjectFold::ApplyProject(const LoggedEvent& e, const std::string& summary) {
  ProjectModel& m = model_;
  switch (FamilyOf(e.type())) {
    case EventFamily::kProject:  // store-recovered: shown in the recent events
      ApplyProjectEvent(e, summary, &m);
      break;
    case EventFamily::kLoop:
      ApplyLoopEvent(e, summary, &m);
      break;
    case EventFamily::kReview:  // review-imported: ApplyReviewImported
    case EventFamily::kStop:
      ApplyObservedEvent(e, summary, &m);
      break;
    // Task events without a task (written without the guard): nothing
    // of the project changes.
    case EventFamily::kWork:
    case EventFamily::kNote:
    case EventFamily::kNone:
      break;
  }
}

void ProjectFold::ApplyReviewImported(const LoggedEvent& e) {
  const auto* p = e.event().payload_as_ReviewImported();
  if (p == nullptr) return;
  ExternalReview r;
  r.seq = e.seq();
  r.at = e.time_ns();
  r.reviewer = S(p->reviewer());
  r.file = S(p->file());
  r.task = std::string(e.task());
  r.package_id = S(p->package_id());
  // A task's review counts for the task's lane, decided here once.
  if (r.package_id.empty() && !r.task.empty()) {
    if (const TaskModel* t = model_.FindTask(r.task)) r.package_id = t->package_id;
  }
  r.status = schema::EnumNameExternalReviewStatus(p->status());
  r.p1 = p->p1();
  r.p2 = p->p2();
  ++model_.external_reviews_total;
  auto& list = model_.external_reviews;
  auto same = std::find_if(list.begin(), list.end(), [&r](const ExternalReview& x) {
    return x.reviewer == r.reviewer && x.task == r.task && (!r.task.empty() || x.package_id == r.package_id);
  });
  if (same != list.end()) list.erase(same);
  PushBounded(&list, std::move(r), kListLimit);
}

// A dispatch that records a deliberate switch (`orch dispatch
// --switch-reason`) moves the current lane to its package, if that lane is
// still open or blocked: the next dispatch into it is no switch.
void ProjectFold::ApplyLaneSwitch(const LoggedEvent& e, const TaskModel& t) {
  if (e.type() != T::Dispatched || t.constraint_stack.package_switch_reason.empty()) return;
  if (t.package_id.empty() || t.package_id == model_.current_lane) return;
  const PackageModel* pkg = model_.FindPackage(t.package_id);
  if (pkg == nullptr || pkg->status == LaneStatus::kClosed) return;
  model_.current_lane = pkg->id;
  PushBounded(&model_.lane_changes, LaneChange{e.time_ns(), pkg->id, "switched"}, kListLimit);
}

std::string ProjectFold::ApplyTask(const LoggedEvent& e, const std::string& summary) {
  const schema::Event& ev = e.event();
  const int64_t at = e.time_ns();
  const std::string id(e.task());
  TaskModel* t = TaskFor(id, e.seq(), /*create=*/false);
  const TaskFacts before = t == nullptr ? TaskFacts{} : t->facts;
  std::string anomaly(e.anomaly());
  const StepCheck check = CheckStep(before, e);
  if (anomaly.empty() && check.problem != Problem::kNone) anomaly = check.reason;
  // The predecessor's step, recorded as it happened: not an anomaly of the
  // night (task_fold.h, IsImportedHistory); the event's note says why.
  if (IsImportedHistory(ev)) anomaly.clear();
  if (e.type() == T::DriftDetected) {
    const auto* p = ev.payload_as_DriftDetected();
    ++model_.drift_total;
    PushBounded(&model_.drift, Finding{e.seq(), at, id, e.type(), S(p->kind()), summary}, kListLimit);
  }
  // A note or drift report may name an id no task has; it stays out of the
  // task list, as it leaves the task fold's facts alone.
  if (t == nullptr && !TouchesUnknownTask(e.type())) return anomaly;
  if (t == nullptr) t = TaskFor(id, e.seq(), /*create=*/true);

  ApplyEvent(&t->facts, e);
  ApplyFields(e, t);
  ApplyLaneSwitch(e, *t);
  if (IsProgress(e.type())) t->progress_at = std::max(t->progress_at, at);
  ++t->events;
  NoteStateChange(e, before.state, t);
  // Evidence is raised only by what backs it (the task fold's labels); a
  // label the event merely claims stays visible here, as a claim.
  const std::string claimed = S(ev.evidence());
  if (!claimed.empty() && !Backs(t->facts, claimed)) {
    PushBounded(&t->evidence_notes,
                absl::StrCat("claimed '", claimed, "' (", EventTypeName(e.type()), " #", e.seq(),
                             "): not backed by a passing gate or an accepted review"),
                kTaskListLimit);
  }
  if (ev.note() != nullptr && ev.note()->size() > 0 &&
      (ev.evidence() != nullptr || e.type() == T::Gate || e.type() == T::Reviewed)) {
    PushBounded(&t->evidence_notes, ev.note()->str(), kTaskListLimit);
  }
  if (IsObservation(ev)) t->last_observation = Observation{at, ObservationResult(ev), summary};
  if (!anomaly.empty()) ++t->anomalies;
  // Routine work (commits, gate runs, inspections, notes) lives in its own
  // fields (commits, gateRuns, inspection); history keeps the steps that
  // matter for the lifecycle, so it does not grow with a busy worker. An
  // inspection that does not count is a claim, kept in the history.
  const bool routine = e.type() == T::Committed || e.type() == T::Gate || e.type() == T::Note ||
                       (e.type() == T::Inspected && CountsAsInspection(ev));
  if (!routine || t->facts.state != before.state || !anomaly.empty()) {
    AddHistory(t, HistoryEntry{e.seq(), at, e.type(), t->facts.state, S(ev.note()), summary, anomaly});
  }
  return anomaly;
}

}  // namespace orch

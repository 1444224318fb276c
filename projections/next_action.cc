#include "projections/next_action.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/glob.h"
#include "base/time_text.h"
#include "projections/lane_rules.h"
#include "projections/task_rules.h"

namespace orch {

namespace {

using S = TaskState;

int64_t Secs(int64_t from, int64_t to) { return from == 0 || to < from ? 0 : (to - from) / kNs; }

std::string Ids(const std::vector<const TaskModel*>& tasks, size_t max = 5) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < tasks.size() && i < max; ++i) ids.push_back(tasks[i]->id);
  std::string out = absl::StrJoin(ids, ", ");
  if (tasks.size() > max) absl::StrAppend(&out, " +", tasks.size() - max);
  return out;
}

// The first `max` lines, then "and N more".
std::string Lines(const std::vector<std::string>& lines, size_t max = 3) {
  std::vector<std::string> shown(lines.begin(), lines.begin() + std::min(max, lines.size()));
  std::string out = absl::StrJoin(shown, "; ");
  if (lines.size() > max) absl::StrAppend(&out, "; and ", lines.size() - max, " more");
  return out;
}

// A write set nothing else can run beside: no allowed globs, or one that
// covers the whole tree.
bool Unbounded(const TaskModel& t) {
  if (t.facts.allowed.empty()) return true;
  for (const std::string& g : t.facts.allowed) {
    if (g == "**" || g == "**/*" || g == "*" || g == ".") return true;
  }
  return false;
}

std::string Minutes(int64_t minutes) { return FormatDurationShort(minutes * 60); }

// Seconds a running task is past its runtime budget (0: within it or none).
int64_t RuntimeOverrun(const TaskModel& t, int64_t now) {
  if (!IsInFlight(t.facts) || t.budget.runtime_minutes <= 0) return 0;
  const int64_t ran = Secs(t.dispatched_at, now);
  return std::max<int64_t>(0, ran - t.budget.runtime_minutes * 60);
}

// Seconds a review is past its review budget, counted from the moment the
// task became ready for review (0: within it or none).
int64_t ReviewOverrun(const TaskModel& t, int64_t now) {
  const S s = t.facts.state;
  if ((s != S::kCompletedUnreviewed && s != S::kReviewing) || t.budget.review_minutes <= 0) return 0;
  const int64_t waited = Secs(t.ready_at != 0 ? t.ready_at : t.state_since, now);
  return std::max<int64_t>(0, waited - t.budget.review_minutes * 60);
}

std::string StaleLine(const TaskModel& t, int64_t now) {
  if (t.facts.state == S::kStaleNeedsInspection) {
    std::string line = absl::StrCat(t.id, " is stale (idle ", FormatDurationShort(t.idle_seconds));
    if (!t.stale_reason.empty() && t.stale_reason != "idle") absl::StrAppend(&line, ", ", t.stale_reason);
    absl::StrAppend(&line, ")");
    if (!t.stale_action.empty()) absl::StrAppend(&line, ": ", t.stale_action);
    return line;
  }
  return absl::StrCat(t.id, " is ", FormatDurationShort(RuntimeOverrun(t, now)), " past its ",
                      Minutes(t.budget.runtime_minutes),
                      " runtime budget: inspect it, then abandon or re-dispatch");
}

// Stale workers first, then running tasks past their runtime budget (in
// task order); review overruns are the review rule's.
std::vector<std::string> WorkerProblems(const ProjectModel& m, int64_t now) {
  std::vector<std::string> stale, over;
  for (const TaskModel& t : m.tasks) {
    if (t.facts.state == S::kStaleNeedsInspection) {
      stale.push_back(StaleLine(t, now));
    } else if (RuntimeOverrun(t, now) > 0) {
      over.push_back(StaleLine(t, now));
    }
  }
  stale.insert(stale.end(), over.begin(), over.end());
  return stale;
}

void Add(std::vector<Blocker>* out, std::string rule, std::string action, std::string reason) {
  out->push_back(Blocker{std::move(rule), std::move(action), std::move(reason)});
}

// The lane rules. Without a request: a lane must be open and not blocked.
// For a request into package P: P must be an open lane; the current lane,
// when it is open and not P, keeps its claim unless the request gives a
// switch reason (a blocked current lane lets the loop move on).
void LaneRules(const ProjectModel& m, const DispatchRequest* req, bool nothing_in_flight, DispatchGate* g) {
  std::vector<Blocker>& b = g->blockers;
  const PackageModel* lane = m.current_lane.empty() ? nullptr : m.FindPackage(m.current_lane);
  if (lane != nullptr) g->lane = lane->id;
  if (req == nullptr) {
    if (lane == nullptr) {
      Add(&b, "no-lane", nothing_in_flight ? kActStop : kActWait,
          "no feature lane is open: open a package before dispatching");
    } else if (lane->status == LaneStatus::kBlocked) {
      Add(&b, "lane-blocked", kActStop,
          absl::StrCat("lane ", lane->id, " is blocked", lane->reason.empty() ? "" : ": " + lane->reason));
    }
    return;
  }
  if (req->package.empty()) {
    Add(&b, "no-lane", kActStop, "the task names no package: every dispatch serves a lane");
    return;
  }
  const PackageModel* target = m.FindPackage(req->package);
  if (target == nullptr || target->status == LaneStatus::kClosed) {
    Add(&b, "no-lane", kActStop,
        absl::StrCat("lane ", req->package, target == nullptr ? " was never opened" : " is closed",
                     ": `orch lane open ", req->package, "` first"));
    return;
  }
  g->lane = target->id;
  if (target->status == LaneStatus::kBlocked) {
    Add(&b, "lane-blocked", kActStop,
        absl::StrCat("lane ", target->id, " is blocked",
                     target->reason.empty() ? "" : ": " + target->reason));
    return;
  }
  if (const PackageModel* claim = ClaimingLane(m, target->id);
      claim != nullptr && req->switch_reason.empty()) {
    Add(&b, "lane-mismatch", kActWait,
        absl::StrCat("package ", req->package, " is not the current lane ", claim->id,
                     " (open): advance one package at a time, close or block ", claim->id,
                     ", or give --switch-reason"));
  }
}

// Glob pairs of two write sets that can match one path ("src/** overlaps
// src/api/*.ts"); an empty write set is "anywhere".
std::vector<std::string> Overlaps(const std::vector<std::string>& mine,
                                  const std::vector<std::string>& theirs) {
  static const std::vector<std::string> kAnywhere = {"**"};
  const auto& a = mine.empty() ? kAnywhere : mine;
  const auto& b = theirs.empty() ? kAnywhere : theirs;
  std::vector<std::string> out;
  for (const std::string& x : a) {
    for (const std::string& y : b) {
      if (GlobsIntersect(x, y)) out.push_back(absl::StrCat(x, " overlaps ", y));
    }
  }
  return out;
}

// The serial globs a write set touches.
std::vector<std::string> SerialTouched(const ProjectModel& m, const std::vector<std::string>& allowed) {
  std::vector<std::string> out;
  for (const std::string& serial : m.serial_paths) {
    if (!Overlaps(allowed, {serial}).empty()) out.push_back(serial);
  }
  return out;
}

// The rules of the one task asked for.
void TaskRules(const ProjectModel& m, const DispatchRequest& req,
               const std::vector<const TaskModel*>& in_flight, DispatchGate* g) {
  std::vector<Blocker>& b = g->blockers;
  if (const TaskModel* same = m.FindTask(req.task); same != nullptr && IsInFlight(same->facts)) {
    Add(&b, "task-in-flight", kActWait,
        absl::StrCat("task ", req.task, " is already in flight (", TaskStateName(same->facts.state),
                     "): one dispatch per task id"));
  }
  const std::vector<std::string> mine_serial = SerialTouched(m, req.allowed);
  for (const TaskModel* t : in_flight) {
    if (t->id == req.task) continue;
    const std::vector<std::string> pairs = Overlaps(req.allowed, t->facts.allowed);
    if (!pairs.empty()) {
      Add(&b, "write-set-overlap", kActWait,
          absl::StrCat("the write set overlaps ", t->id, "'s (", TaskStateName(t->facts.state),
                       "): ", Lines(pairs)));
    }
    std::vector<std::string> shared;
    for (const std::string& serial : SerialTouched(m, t->facts.allowed)) {
      if (std::find(mine_serial.begin(), mine_serial.end(), serial) != mine_serial.end())
        shared.push_back(serial);
    }
    if (!shared.empty()) {
      Add(&b, "serial-path", kActWait,
          absl::StrCat("serial path ", absl::StrJoin(shared, ", "), " is touched by ", t->id,
                       " in flight: serial paths take one task at a time"));
    }
  }
}

// Rule 1: the loop missed wake-ups.
void HeartbeatRule(const ProjectModel& m, int64_t now, std::vector<Blocker>* b) {
  const int64_t overdue = HeartbeatOverdueSeconds(m, now);
  const std::vector<MissedHeartbeat> unacked = UnacknowledgedMissed(m);
  if (overdue > m.missed_after_seconds || !unacked.empty()) {
    std::string why;
    if (overdue > m.missed_after_seconds) {
      why = absl::StrCat("heartbeat overdue by ", FormatDurationShort(overdue), " (expected ",
                         FormatRfc3339(m.next_heartbeat_at), ")");
    } else {
      why = absl::StrCat(unacked.size(), " missed wake-up(s) since the last heartbeat (first expected ",
                         FormatRfc3339(unacked.front().expected_at), ")");
    }
    Add(b, "heartbeat-overdue", kActInspect,
        absl::StrCat(why, ": record a heartbeat, then look at what ran while the loop slept"));
  }
}

// Rule 3: completed tasks and late reviews wait for a reviewer.
void ReviewRule(const std::vector<const TaskModel*>& ready, const std::vector<const TaskModel*>& late_reviews,
                int64_t now, std::vector<Blocker>* b) {
  if (!ready.empty() || !late_reviews.empty()) {
    std::string reason;
    if (!ready.empty()) {
      reason = absl::StrCat(ready.size(), " completed task(s) await review (", Ids(ready),
                            "): reviews come before new dispatches");
    }
    for (const TaskModel* t : late_reviews) {
      absl::StrAppend(&reason, reason.empty() ? "" : "; ", "review of ", t->id, " is ",
                      FormatDurationShort(ReviewOverrun(*t, now)), " past its ",
                      Minutes(t->budget.review_minutes), " review budget");
    }
    Add(b, "review-ready", kActReview, reason);
  }
}

// Rules 5 and 6: paused, or draining.
void RunModeRules(const ProjectModel& m, const std::vector<const TaskModel*>& in_flight,
                  std::vector<Blocker>* b) {
  if (m.run_mode == "paused") {
    Add(b, "paused", kActStop,
        absl::StrCat("run mode is paused", m.run_mode_reason.empty() ? "" : ": " + m.run_mode_reason));
  } else if (m.run_mode == "draining") {
    if (!in_flight.empty()) {
      Add(b, "draining", kActWait,
          absl::StrCat("draining: let ", in_flight.size(), " task(s) in flight finish (", Ids(in_flight),
                       "); dispatch nothing new"));
    } else {
      Add(b, "draining", kActStop, "draining and nothing is in flight: the loop can stop");
    }
  }
}

// Rules 10 and 11: free slots, and an in-flight write set that leaves no
// room beside it. Fills the gate's capacity facts.
void CapacityRules(const ProjectModel& m, const DispatchRequest* req,
                   const std::vector<const TaskModel*>& in_flight, DispatchGate* g) {
  std::vector<Blocker>& b = g->blockers;
  g->free_slots = std::max<int64_t>(0, m.settings.max_concurrency - static_cast<int64_t>(in_flight.size()));
  const TaskModel* wide = nullptr;
  for (const TaskModel* t : in_flight) {
    if (Unbounded(*t)) wide = t;
    for (const std::string& glob : t->facts.allowed) g->avoid.push_back(absl::StrCat(glob, " (", t->id, ")"));
  }
  if (g->free_slots == 0) {
    Add(&b, "slots-full", kActWait,
        absl::StrCat("all ", m.settings.max_concurrency, " slots are busy (", Ids(in_flight),
                     "; pending setups count)"));
  } else if (wide != nullptr && req == nullptr) {  // a request's overlaps are exact (TaskRules)
    Add(&b, "wide-write-set", kActWait,
        absl::StrCat(wide->id, " may write anywhere: a task beside it could collide"));
  }
}

// Every rule that stops a dispatch, in order (docs/status.md). Fills the
// gate's capacity facts on the way. `req` null: any dispatch.
void Evaluate(const ProjectModel& m, int64_t now, const DispatchRequest* req, DispatchGate* g) {
  std::vector<Blocker>& b = g->blockers;
  std::vector<const TaskModel*> in_flight, ready, reviewing, late_reviews;
  for (const TaskModel& t : m.tasks) {
    const S s = t.facts.state;
    if (IsInFlight(s)) in_flight.push_back(&t);
    if (s == S::kCompletedUnreviewed) ready.push_back(&t);
    if (s == S::kReviewing) reviewing.push_back(&t);
    if (ReviewOverrun(t, now) > 0) late_reviews.push_back(&t);
  }

  // 1. The loop missed wake-ups: say so before anything else.
  HeartbeatRule(m, now, &b);
  // 2. Stale or over-budget workers are handled before anything new.
  const std::vector<std::string> stale = WorkerProblems(m, now);
  if (!stale.empty()) Add(&b, "stale-worker", kActInspect, Lines(stale));
  // 3. Reviews come before new dispatches.
  ReviewRule(ready, late_reviews, now, &b);
  // 4. A dirty integration checkout blocks merging and dispatching.
  if (m.integration_dirty) {
    Add(&b, "integration-dirty", kActInspect,
        absl::StrCat("the integration checkout is dirty (", m.integration_dirt,
                     "): clean it before merging or dispatching"));
  }
  // 5, 6. The run mode.
  RunModeRules(m, in_flight, &b);
  // 7. An open review is decided first.
  if (!reviewing.empty()) {
    Add(&b, "review-open", kActWait,
        absl::StrCat("review of ", Ids(reviewing), " is open: decide it before dispatching more"));
  }
  // 8, 9. The lane.
  LaneRules(m, req, in_flight.empty(), g);
  // 10, 11. Capacity, and write sets that leave no room.
  CapacityRules(m, req, in_flight, g);
  // 12-14. The task itself.
  if (req != nullptr) TaskRules(m, *req, in_flight, g);
  g->allowed = b.empty();
}

std::vector<std::string> FollowUps(const ProjectModel& m, int64_t now) {
  std::vector<std::string> also;
  for (const TaskModel& t : m.tasks) {
    const NextStep step = NextStepFor(t, m);
    if (!step.follow_up.empty()) {
      also.push_back(absl::StrCat(step.follow_up, " ", t.id, " (", step.because, ")"));
    } else if (t.facts.state == S::kActive || t.facts.state == S::kPendingSetup) {
      // Silent in the log; only git can say whether it works (orch watch).
      const int64_t quiet = Secs(t.progress_at, now);
      if (t.progress_at != 0 && quiet > m.stale_after_seconds && RuntimeOverrun(t, now) == 0) {
        also.push_back(absl::StrCat("check ", t.id, " (no event for ", FormatDurationShort(quiet),
                                    "; orch watch reads its worktree)"));
      }
    }
    if (also.size() >= 20) break;
  }
  return also;
}

}  // namespace

int64_t HeartbeatOverdueSeconds(const ProjectModel& m, int64_t now) {
  if (m.next_heartbeat_at == 0 || now <= m.next_heartbeat_at) return 0;
  return (now - m.next_heartbeat_at) / kNs;
}

std::vector<MissedHeartbeat> UnacknowledgedMissed(const ProjectModel& m) {
  std::vector<MissedHeartbeat> out;
  for (const MissedHeartbeat& h : m.missed) {
    if (h.expected_at > m.last_heartbeat_at) out.push_back(h);
  }
  return out;
}

std::vector<std::string> StaleOrOverBudget(const ProjectModel& m, int64_t now) {
  std::vector<std::string> out = WorkerProblems(m, now);
  for (const TaskModel& t : m.tasks) {
    if (const int64_t late = ReviewOverrun(t, now); late > 0) {
      out.push_back(absl::StrCat("review of ", t.id, " is ", FormatDurationShort(late), " past its ",
                                 Minutes(t.budget.review_minutes), " review budget"));
    }
  }
  return out;
}

DispatchGate MayDispatch(const ProjectModel& model, int64_t now) {
  DispatchGate g;
  Evaluate(model, now, nullptr, &g);
  return g;
}

DispatchGate MayDispatch(const ProjectModel& model, int64_t now, const DispatchRequest& request) {
  DispatchGate g;
  Evaluate(model, now, &request, &g);
  return g;
}

NextAction DecideNextAction(const ProjectModel& m, int64_t now) {
  const DispatchGate g = MayDispatch(m, now);
  NextAction n;
  if (!g.allowed) {
    n.action = g.blockers.front().action;
    n.rule = g.blockers.front().rule;
    n.reason = g.blockers.front().reason;
  } else {
    const PackageModel* lane = m.FindPackage(g.lane);
    n.action = kActContinue;
    n.rule = "continue";
    n.reason = absl::StrCat("lane ", lane == nullptr ? g.lane : lane->id, " is open, run mode ", m.run_mode,
                            ", ", g.free_slots, " of ", m.settings.max_concurrency, " slots free",
                            g.avoid.empty() ? ""
                                            : absl::StrCat("; dispatch only a task whose write set avoids ",
                                                           absl::StrJoin(g.avoid, ", ")));
  }
  n.also = FollowUps(m, now);
  return n;
}

}  // namespace orch

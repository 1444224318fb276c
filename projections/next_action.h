// The next action: the one question the loop asks at every wake-up —
// continue, wait, review, inspect or stop dispatching — and why, decided
// from the folded model and the moment "now" alone (no git, no clock of
// its own). `orch next`, every status page and `orch context` show this
// verdict; the rules are documented in docs/status.md.
//
// Pure and deterministic; thread-compatible (no shared state).
#ifndef ORCH_PROJECTIONS_NEXT_ACTION_H_
#define ORCH_PROJECTIONS_NEXT_ACTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "projections/project_model.h"

namespace orch {

// The verdicts, as `orch next` and the pages print them.
inline constexpr char kActContinue[] = "continue";
inline constexpr char kActWait[] = "wait";
inline constexpr char kActReview[] = "review";
inline constexpr char kActInspect[] = "inspect";
inline constexpr char kActStop[] = "stop-dispatching";

struct NextAction {
  std::string action;             // one of the kAct* verdicts
  std::string rule;               // which rule decided it, e.g. "heartbeat-overdue" (docs/status.md)
  std::string reason;             // one line
  std::vector<std::string> also;  // follow-ups that do not change the action
};

// Why dispatching a new task is not allowed now, one reason per rule that
// stops it, in the order the rules apply (the first is the verdict's).
struct Blocker {
  std::string rule;
  std::string action;
  std::string reason;
};

// "May we dispatch now, and if not why": the gate a dispatch verb checks.
// `allowed` is true only when no rule stops a dispatch; then `free_slots`
// is the capacity (capacity is not permission: the rules come first) and
// `avoid` the write sets of the tasks in flight a new task must not
// overlap ("web/** (T3)").
struct DispatchGate {
  bool allowed = false;
  std::vector<Blocker> blockers;  // empty iff allowed
  int64_t free_slots = 0;
  std::vector<std::string> avoid;
  std::string lane;  // the lane a dispatch would serve
};

// A task about to be dispatched: what the rules that concern one task
// need. `switch_reason` non-empty: a deliberate move away from the
// current lane.
struct DispatchRequest {
  std::string task;
  std::string package;
  std::vector<std::string> allowed;  // the write set; empty: anywhere
  std::string switch_reason;
};

// The gate for any dispatch: every project rule (the verdict of `orch next`).
DispatchGate MayDispatch(const ProjectModel& model, int64_t now);
// The gate for `request`: the project rules, with the lane rules asked for
// its package, plus the rules of one task (docs/status.md): its id is not
// in flight, its write set overlaps no in-flight task's (GlobsIntersect)
// and touches no serial path another task in flight touches. `orch
// dispatch` and the append guard (event_gates.h) refuse on these blockers.
DispatchGate MayDispatch(const ProjectModel& model, int64_t now, const DispatchRequest& request);

// The verdict: the first blocker's action and reason, else continue.
NextAction DecideNextAction(const ProjectModel& model, int64_t now);

// Facts the rules use, exposed for `orch health` and `orch context`.
//
// The heartbeat is overdue: now is past the next expected wake-up. Returns
// how long past it, in seconds (0 when not overdue or none is expected).
int64_t HeartbeatOverdueSeconds(const ProjectModel& model, int64_t now);
// Missed heartbeats the loop has not acknowledged: recorded wake-ups
// expected after the latest heartbeat (a heartbeat after a missed wake-up
// is the loop saying it is back).
std::vector<MissedHeartbeat> UnacknowledgedMissed(const ProjectModel& model);
// In-flight or in-review tasks past a budget, or marked stale: "T3: idle
// 2h (abandon or re-dispatch)". The stale ones first, in task order.
std::vector<std::string> StaleOrOverBudget(const ProjectModel& model, int64_t now);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_NEXT_ACTION_H_

// RuleGuard: the one guard every append of orch goes through, from a verb
// or a raw `orch emit`, directly or through the server: the lifecycle
// (lifecycle_guard.h) and the gates (event_gates.h), checked under the
// append lock so nothing slips in between check and write.
//
// A step a gate refuses is refused (Aborted, every reason with its rule
// tag) unless the event's claim is `observed`: then it is recorded, with
// the findings as its anomaly ("reason [rule]"), and every status page and
// `orch health` show it. Imported history (task_fold.h IsImportedHistory:
// `orch import`, or its --dry-run output emitted) is recorded the same
// way: it happened under another tool.
//
// Cost: a batch without a gated event costs what the lifecycle guard does
// (the task's row and its events since). A batch with one folds the
// project model (from its checkpoint) once, and is checked in a group of
// its own (EventStore: ReadsWholeLog).
#ifndef ORCH_PROJECTIONS_RULE_GUARD_H_
#define ORCH_PROJECTIONS_RULE_GUARD_H_

#include <map>
#include <string>
#include <vector>

#include "eventstore/append_guard.h"
#include "eventstore/env.h"
#include "eventstore/event_store.h"
#include "projections/event_gates.h"
#include "projections/lifecycle_guard.h"

namespace orch {

struct RuleGuardOptions {
  Env* clock = nullptr;  // not owned; dates "now" for the future rule
  // What git shows now of each task whose gated step reads git, read by
  // the caller before the append (git/gate_facts.h). A task without an
  // entry: git does not speak for the step (it is backdated, or no
  // repository was asked).
  std::map<std::string, GateGitFacts> git;
};

class RuleGuard : public AppendGuard {
 public:
  explicit RuleGuard(RuleGuardOptions options);

  absl::StatusOr<GuardOutcome> Check(const EventStore& store,
                                     const std::vector<LoggedEvent>& pending) override;
  bool ReadsProjectEvent(EventType type) const override;
  // A dispatch reads every task in flight, the lane and the run mode; a
  // lane step the lanes and their tasks.
  bool ReadsWholeLog(EventType type) const override;

 private:
  RuleGuardOptions options_;
  LifecycleGuard lifecycle_;
};

}  // namespace orch

#endif  // ORCH_PROJECTIONS_RULE_GUARD_H_

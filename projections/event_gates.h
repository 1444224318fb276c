// The gates: the rules a verb checks before it records a step (`orch
// dispatch`, `orch review`), decided here once so that the raw record of
// the same step (`orch emit dispatched`, `orch emit reviewed`, a --jsonl
// batch) is judged by exactly the same rules. RuleGuard (rule_guard.h)
// applies them under the append lock; the verbs call them to explain a
// refusal before they append.
//
// Gated steps and their rules (rule tags in brackets, docs/cli.md#gates):
//   dispatched         the dispatch gate (next_action.h MayDispatch with the
//                      task's request: lane, run mode, slots, write-set
//                      overlap, serial paths, id in flight, ...), and a
//                      self-review path inside the write set
//                      [self-review-outside-write-set]
//   completed          a self-review path inside the write set
//   reviewed accepted  the acceptance report (acceptance.h) with the
//                      latest inspection's verdict, unless the event
//                      carries an override reason [review-gate]
//   cleaned            the worktree is gone and the branch is gone or
//                      contained in the integration branch, as git shows
//                      it now [cleanup-unproven]
//   package-opened,    `orch lane`'s rules (lane_rules.h LaneStepRefusals:
//   -closed, -blocked  a lane already open, another lane claiming the loop
//                      without a switch reason, a lane with unfinished
//                      work closing) [lane]
//
// Pure: git facts come from the caller (git/gate_facts.h). An event dated
// before now (a replayed or imported night) is judged on the log at its
// time; git is asked only about what it can tell of that time (nothing,
// for a review's head; the clean-up, when the repository is there).
#ifndef ORCH_PROJECTIONS_EVENT_GATES_H_
#define ORCH_PROJECTIONS_EVENT_GATES_H_

#include <optional>
#include <string>
#include <vector>

#include "eventstore/logged_event.h"
#include "projections/acceptance.h"
#include "projections/project_model.h"

namespace orch {

// What git shows of one task now, for the gates that read git.
struct GateGitFacts {
  // The repository could not be read ("" when it could): a live clean-up
  // or acceptance cannot be proven then.
  std::string problem;
  GitNow review;  // head, changed paths, whitespace errors
  bool worktree_exists = false;
  bool branch_exists = false;
  bool branch_merged = false;  // the branch head is contained in the integration branch
  std::string integration_branch;
};

struct GateFinding {
  std::string rule;    // a tag, e.g. "slots-full"
  std::string reason;  // one line
  std::string Text() const { return reason + " [" + rule + "]"; }
};

// Whether `e` passes through a gate (its type; a review only when it
// accepts).
bool IsGated(const schema::Event& e);
// Whether the gate of `e` reads git (reviewed accepted, cleaned).
bool GateReadsGit(const schema::Event& e);

// Every rule the step `e`, dated `at`, breaks, judged against `model` (the
// log before it) at that time. `git`: what git shows now of e's task, or
// null when git cannot speak for the event's time (a backdated event) or
// the caller has no repository to ask. Empty: the step passes.
std::vector<GateFinding> JudgeStep(const ProjectModel& model, const schema::Event& e, int64_t at,
                                   const GateGitFacts* git);

// "reason [rule]; reason [rule]": the findings as one line.
std::string FindingsText(const std::vector<GateFinding>& findings);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_EVENT_GATES_H_

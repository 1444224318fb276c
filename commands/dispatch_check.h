// What `orch dispatch` shows before it records: the dispatch gate's
// findings for one dispatched event (projections/event_gates.h JudgeStep,
// the very rules the append guard applies to every dispatched event, raw
// or not) plus the lifecycle's word on the task, and the gate's capacity
// facts (lane, free slots) for --json and --dry-run.
#ifndef ORCH_COMMANDS_DISPATCH_CHECK_H_
#define ORCH_COMMANDS_DISPATCH_CHECK_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "commands/command_context.h"
#include "projections/event_gates.h"
#include "projections/next_action.h"
#include "projections/project_model.h"

namespace orch {

struct DispatchVerdict {
  DispatchGate gate;                  // lane and capacity
  std::vector<GateFinding> findings;  // every rule that refuses it, with its tag
  std::string lifecycle;  // the task fold's refusal, "" when legal (or in flight: the gate says it)
  std::vector<std::string> reasons;  // every finding's "reason [rule]", then the lifecycle's
  bool allowed() const { return reasons.empty(); }
};

// Checks the dispatched event `content` against `model` at `now`.
// InvalidArgument when the event cannot be built.
absl::StatusOr<DispatchVerdict> CheckDispatch(CommandContext& ctx, const ProjectModel& model, int64_t now,
                                              const EventContent& content);

}  // namespace orch

#endif  // ORCH_COMMANDS_DISPATCH_CHECK_H_

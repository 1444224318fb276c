// What `orch dispatch` refuses on and `orch emit dispatched` warns about:
// the dispatch gate (projections/next_action.h, MayDispatch with the
// task's request) plus the lifecycle's word on the task, for one
// dispatched event about to be appended. One list, so the verb and the raw
// record never disagree.
#ifndef ORCH_COMMANDS_DISPATCH_CHECK_H_
#define ORCH_COMMANDS_DISPATCH_CHECK_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "commands/command_context.h"
#include "projections/next_action.h"
#include "projections/project_model.h"

namespace orch {

struct DispatchVerdict {
  DispatchGate gate;      // the rules, with their blockers
  std::string lifecycle;  // the task fold's refusal, "" when legal (or in flight: the gate says it)
  std::vector<std::string> reasons;  // every blocker's reason [rule], then the lifecycle's
  bool allowed() const { return reasons.empty(); }
};

// Checks the dispatched event `content` against `model` at `now`.
// InvalidArgument when the event cannot be built.
absl::StatusOr<DispatchVerdict> CheckDispatch(CommandContext& ctx, const ProjectModel& model, int64_t now,
                                              const EventContent& content);

// `orch emit dispatched`: the same verdict at `at` (the event's time) as
// warnings on stderr, read from the store without taking the writer's
// turn; nothing when it allows the dispatch or the store cannot be read
// (the append reports that).
void WarnAboutDispatchRules(CommandContext& ctx, const EventContent& content, int64_t at);

}  // namespace orch

#endif  // ORCH_COMMANDS_DISPATCH_CHECK_H_

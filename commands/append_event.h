// What the verbs that check before they record share (lane, review, review
// import): one event appended under the lifecycle guard, and a refusal that
// lists every reason at once.
#ifndef ORCH_COMMANDS_APPEND_EVENT_H_
#define ORCH_COMMANDS_APPEND_EVENT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "commands/command_context.h"
#include "eventstore/event_store.h"
#include "projections/project_model.h"

namespace orch {

// Builds `content` (InvalidArgument for a bad field) and appends it to
// `store` (a writer) under the LifecycleGuard; the guard's refusal is
// Aborted. Prints nothing.
absl::StatusOr<AppendResult> AppendEvent(CommandContext& ctx, EventStore& store, const EventContent& content);

// The whole log folded from the writer `store`: checked and appended while
// the writer's lock is held, so nothing slips in between.
absl::StatusOr<ProjectModel> LoadModelForCheck(EventStore& store);

// Aborted (exit 3): "`what`: reason; reason; ...", every reason on one line.
absl::Status Refusal(absl::string_view what, const std::vector<std::string>& reasons);

}  // namespace orch

#endif  // ORCH_COMMANDS_APPEND_EVENT_H_

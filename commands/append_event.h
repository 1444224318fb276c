// How every verb appends: one helper, one guard. AppendChecked reads what
// git shows now of each task whose gated step needs it, then appends under
// the RuleGuard (projections/rule_guard.h: the lifecycle and the gates), so
// `orch dispatch` and `orch emit dispatched`, `orch review` and `orch emit
// reviewed`, directly or through the server, are judged by the same rules.
#ifndef ORCH_COMMANDS_APPEND_EVENT_H_
#define ORCH_COMMANDS_APPEND_EVENT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "commands/command_context.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "projections/project_model.h"

namespace orch {

// Appends `batch` to `store` (a writer) under the RuleGuard. Git is asked
// about a gated step (reviewed accepted, cleaned) only when the step is
// dated now (within kFutureAllowance before the clock), is its task's
// last in the batch, and its task is in the log before the batch: git
// shows the present, so a backdated step (a replayed or imported night),
// or one the batch itself brings or moves past, is judged on the log at
// its time. Errors:
// the store's, and the guard's refusal (Aborted, every reason with its
// rule tag).
struct AppendCheckOptions {
  // The repository git is asked in (a verb's --repo); "" the project's.
  std::string repo;
};
absl::StatusOr<std::vector<AppendResult>> AppendChecked(CommandContext& ctx, EventWriter& store,
                                                        std::vector<AppendRequest> batch,
                                                        const AppendCheckOptions& options = {});

// Builds `content` (InvalidArgument for a bad field) and appends it with
// AppendChecked. Prints nothing.
absl::StatusOr<AppendResult> AppendEvent(CommandContext& ctx, EventWriter& store, const EventContent& content,
                                         const AppendCheckOptions& options = {});

// The whole log folded from the writer `store`: checked and appended while
// the writer's lock is held, so nothing slips in between.
absl::StatusOr<ProjectModel> LoadModelForCheck(EventStore& store);

// Aborted (exit 3): "`what`: reason; reason; ...", every reason on one line.
absl::Status Refusal(absl::string_view what, const std::vector<std::string>& reasons);

}  // namespace orch

#endif  // ORCH_COMMANDS_APPEND_EVENT_H_

#include "commands/append_event.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "projections/lifecycle_guard.h"
#include "projections/model_loader.h"

namespace orch {

absl::StatusOr<AppendResult> AppendEvent(CommandContext& ctx, EventStore& store,
                                         const EventContent& content) {
  std::vector<AppendRequest> batch(1);
  ORCH_ASSIGN_OR_RETURN(batch[0].event, ctx.schema->BuildEvent(content));
  LifecycleGuard guard(ctx.env);
  ORCH_ASSIGN_OR_RETURN(auto results, store.Append(std::move(batch), &guard));
  return results[0];
}

absl::StatusOr<ProjectModel> LoadModelForCheck(EventStore& store) {
  LoadOptions lo;
  return LoadProjectModel(store, lo);
}

absl::Status Refusal(absl::string_view what, const std::vector<std::string>& reasons) {
  return absl::AbortedError(absl::StrCat(what, ": ", absl::StrJoin(reasons, "; ")));
}

}  // namespace orch

#include "commands/append_event.h"

#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "commands/verbs.h"
#include "git/gate_facts.h"
#include "projections/lifecycle_guard.h"
#include "projections/model_loader.h"
#include "projections/rule_guard.h"
#include "schema/fb_string.h"

namespace orch {

absl::StatusOr<std::vector<AppendResult>> AppendChecked(CommandContext& ctx, EventWriter& store,
                                                        std::vector<AppendRequest> batch,
                                                        const AppendCheckOptions& options) {
  RuleGuardOptions o;
  o.clock = ctx.env;
  const int64_t now = ctx.env->NowNanos();
  const int64_t live_from = now - absl::ToInt64Nanoseconds(kFutureAllowance);
  // Git shows the present: it speaks for a task's step only when the step
  // is dated now and is the task's last in the batch (in a copied night,
  // a review followed by its merge and clean-up is judged on the log).
  std::map<std::string, size_t> last_of_task;
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto* e = flatbuffers::GetRoot<schema::Event>(batch[i].event.data());
    last_of_task[std::string(FbStr(e->task()))] = i;
  }
  std::optional<absl::StatusOr<git::ProjectRepo>> project;  // opened once, when first needed
  for (size_t i = 0; i < batch.size(); ++i) {
    const AppendRequest& r = batch[i];
    const auto* e = flatbuffers::GetRoot<schema::Event>(r.event.data());
    if (!GateReadsGit(*e) || r.at_ns.value_or(now) < live_from) continue;
    const std::string task(FbStr(e->task()));
    if (task.empty() || last_of_task[task] != i) continue;
    ORCH_ASSIGN_OR_RETURN(TaskFacts facts, GuardView(store, task));
    // A task the batch itself brings (a copied night) is history too.
    if (facts.state == TaskState::kUnknown) continue;
    if (!project) project = OpenProjectRepoFor(ctx, store, options.repo);
    o.git[task] = git::ReadGateFacts(*project, facts);
  }
  RuleGuard guard(std::move(o));
  return store.Append(std::move(batch), &guard);
}

absl::StatusOr<AppendResult> AppendEvent(CommandContext& ctx, EventWriter& store, const EventContent& content,
                                         const AppendCheckOptions& options) {
  std::vector<AppendRequest> batch(1);
  ORCH_ASSIGN_OR_RETURN(batch[0].event, ctx.schema->BuildEvent(content));
  ORCH_ASSIGN_OR_RETURN(auto results, AppendChecked(ctx, store, std::move(batch), options));
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

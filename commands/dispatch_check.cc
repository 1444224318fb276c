#include "commands/dispatch_check.h"

#include "absl/strings/str_cat.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "commands/append_event.h"
#include "commands/verbs.h"
#include "eventstore/borrowed_store.h"
#include "projections/model_loader.h"
#include "projections/task_fold.h"

namespace orch {

namespace {

std::vector<std::string> StringList(const nlohmann::json& payload, const char* field) {
  std::vector<std::string> out;
  if (auto it = payload.find(field); it != payload.end() && it->is_array()) {
    for (const auto& v : *it) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

std::string StringField(const nlohmann::json& payload, const char* field) {
  auto it = payload.find(field);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

absl::StatusOr<DispatchVerdict> CheckDispatch(CommandContext& ctx, const ProjectModel& model, int64_t now,
                                              const EventContent& content) {
  DispatchRequest req;
  req.task = content.task;
  req.package = StringField(content.payload, "package_id");
  req.allowed = StringList(content.payload, "allowed");
  req.switch_reason = StringField(content.payload, "package_switch_reason");
  DispatchVerdict v;
  v.gate = MayDispatch(model, now, req);
  for (const Blocker& b : v.gate.blockers) v.reasons.push_back(absl::StrCat(b.reason, " [", b.rule, "]"));
  // The lifecycle: a dispatch of a task that exists must be a legal step.
  ORCH_ASSIGN_OR_RETURN(std::string bytes, ctx.schema->BuildEvent(content));
  const auto* candidate = flatbuffers::GetRoot<schema::Event>(bytes.data());
  if (const TaskModel* t = model.FindTask(content.task); t != nullptr) {
    // In flight is the gate's own reason (task-in-flight): said once.
    bool said = false;
    for (const Blocker& b : v.gate.blockers) said = said || b.rule == "task-in-flight";
    if (!said) v.lifecycle = StateProblemFor(t->facts, *candidate);
    if (!v.lifecycle.empty()) v.reasons.push_back(absl::StrCat(v.lifecycle, " [lifecycle]"));
  }
  return v;
}

void WarnAboutDispatchRules(CommandContext& ctx, const EventContent& content, int64_t at) {
  // Run by a server for a client: its own store, not a second handle.
  auto store = ctx.server_store != nullptr ? BorrowStore(*ctx.server_store) : OpenStoreForRead(ctx);
  if (!store.ok()) return;
  // A warning must not leave a trace: no checkpoint is written for it.
  LoadOptions lo;
  lo.checkpoint_every = 0;
  lo.task_details = false;
  auto model = LoadProjectModel(**store, lo);
  if (!model.ok()) return;
  auto verdict = CheckDispatch(ctx, *model, at, content);
  if (!verdict.ok() || verdict->allowed()) return;
  for (const std::string& why : verdict->reasons) {
    *ctx.err << "orch: warning: orch dispatch would refuse this: " << EscapeForDisplay(why) << "\n";
  }
}

}  // namespace orch

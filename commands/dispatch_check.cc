#include "commands/dispatch_check.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
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
  ORCH_ASSIGN_OR_RETURN(std::string bytes, ctx.schema->BuildEvent(content));
  const auto* candidate = flatbuffers::GetRoot<schema::Event>(bytes.data());
  v.findings = JudgeStep(model, *candidate, now, nullptr);
  bool in_flight_said = false;
  for (const GateFinding& f : v.findings) {
    v.reasons.push_back(f.Text());
    in_flight_said = in_flight_said || f.rule == "task-in-flight";
  }
  // The lifecycle: a dispatch of a task that exists must be a legal step
  // (in flight is the gate's own reason: said once).
  if (const TaskModel* t = model.FindTask(content.task); t != nullptr && !in_flight_said) {
    v.lifecycle = StateProblemFor(t->facts, *candidate);
    if (!v.lifecycle.empty()) v.reasons.push_back(absl::StrCat(v.lifecycle, " [lifecycle]"));
  }
  return v;
}

}  // namespace orch

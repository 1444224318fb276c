#include "projections/event_gates.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/glob.h"
#include "projections/lane_rules.h"
#include "projections/next_action.h"
#include "schema/event_schema.h"
#include "schema/fb_string.h"

namespace orch {

namespace {

constexpr auto Str = FbString;

std::vector<std::string> List(const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* v) {
  std::vector<std::string> out;
  if (v != nullptr) {
    for (const auto* s : *v) out.push_back(s->str());
  }
  return out;
}

// A self-review file is part of the delivery: a path the worker may not
// write is a review nobody can deliver (the task then ends "not
// reviewable").
void SelfReviewRule(const std::string& path, const std::vector<std::string>& allowed,
                    std::vector<GateFinding>* out) {
  if (path.empty() || allowed.empty() || GlobMatchAny(allowed, path)) return;
  out->push_back({"self-review-outside-write-set",
                  absl::StrCat("the self-review path ", path, " is outside the write set (",
                               absl::StrJoin(allowed, ", "), "): the worker could not commit it")});
}

std::string TaskOf(const schema::Event& e) { return Str(e.task()); }

void DispatchRules(const ProjectModel& m, const schema::Event& e, int64_t at, std::vector<GateFinding>* out) {
  const auto* p = e.payload_as_Dispatched();
  DispatchRequest req;
  req.task = TaskOf(e);
  if (p != nullptr) {
    req.package = Str(p->package_id());
    req.allowed = List(p->allowed());
    req.switch_reason = Str(p->package_switch_reason());
  }
  for (const Blocker& b : MayDispatch(m, at, req).blockers) out->push_back({b.rule, b.reason});
  if (p != nullptr) SelfReviewRule(Str(p->self_review_path()), req.allowed, out);
}

// `orch lane open|close|block`'s rules (lane_rules.h), for the raw
// package-opened, package-closed and package-blocked alike.
void LaneRules(const ProjectModel& m, const schema::Event& e, std::vector<GateFinding>* out) {
  const EventType type = e.payload_type();
  if (type != EventType::PackageOpened && type != EventType::PackageClosed &&
      type != EventType::PackageBlocked)
    return;
  std::string package, switch_reason;
  LaneStep step = LaneStep::kOpen;
  if (const auto* p = e.payload_as_PackageOpened(); p != nullptr) {
    package = Str(p->package_id());
    switch_reason = Str(p->switch_reason());
  } else if (const auto* p = e.payload_as_PackageClosed(); p != nullptr) {
    step = LaneStep::kClose;
    package = Str(p->package_id());
  } else if (const auto* p = e.payload_as_PackageBlocked(); p != nullptr) {
    step = LaneStep::kBlock;
    package = Str(p->package_id());
  }
  absl::StatusOr<std::vector<std::string>> refusals = LaneStepRefusals(m, step, package, switch_reason);
  if (!refusals.ok()) {
    out->push_back({"lane", std::string(refusals.status().message())});
    return;
  }
  for (std::string& why : *refusals) out->push_back({"lane", std::move(why)});
}

void CompletedRules(const ProjectModel& m, const schema::Event& e, std::vector<GateFinding>* out) {
  const auto* p = e.payload_as_Completed();
  const TaskModel* t = m.FindTask(TaskOf(e));
  if (p == nullptr || t == nullptr) return;
  SelfReviewRule(Str(p->self_review_path()), t->facts.allowed, out);
}

void ReviewRules(const ProjectModel& m, const schema::Event& e, const GateGitFacts* git,
                 std::vector<GateFinding>* out) {
  const auto* p = e.payload_as_Reviewed();
  const TaskModel* t = m.FindTask(TaskOf(e));
  if (p == nullptr || t == nullptr) return;        // the lifecycle says "unknown task"
  if (!Str(p->override_reason()).empty()) return;  // recorded, and shown in red
  GitNow now;
  if (git == nullptr) {
    now.asked = false;
  } else {
    now = git->review;
    if (!git->problem.empty()) now.head_problem = git->problem;
  }
  for (const std::string& why : BuildAcceptanceReport(*t, now, Str(e.evidence())).refusals)
    out->push_back({"review-gate", why});
}

void CleanupRules(const ProjectModel& m, const schema::Event& e, const GateGitFacts* git,
                  std::vector<GateFinding>* out) {
  if (git == nullptr) return;  // nothing git can say of the event's time
  const TaskModel* t = m.FindTask(TaskOf(e));
  if (t == nullptr) return;
  if (!git->problem.empty()) {
    out->push_back({"cleanup-unproven", absl::StrCat("cannot check the clean-up in git: ", git->problem)});
    return;
  }
  if (git->worktree_exists) {
    out->push_back({"cleanup-unproven",
                    absl::StrCat("the worktree ", t->facts.worktree, " still exists: remove it first")});
  }
  if (git->branch_exists && !git->branch_merged) {
    out->push_back({"cleanup-unproven",
                    absl::StrCat("the branch ", t->facts.branch, " still exists and is not contained in ",
                                 git->integration_branch, ": its work would be lost")});
  }
}

}  // namespace

bool IsGated(const schema::Event& e) {
  // (ifs, not a switch: a switch over EventType lists every type, and the
  // other twenty-odd have no gate.)
  const EventType type = e.payload_type();
  if (type == EventType::Reviewed) {
    const auto* p = e.payload_as_Reviewed();
    return p != nullptr && p->verdict() == schema::Verdict::accepted;
  }
  return type == EventType::Dispatched || type == EventType::Completed || type == EventType::Cleaned ||
         type == EventType::PackageOpened || type == EventType::PackageClosed ||
         type == EventType::PackageBlocked;
}

bool GateReadsGit(const schema::Event& e) {
  return IsGated(e) && (e.payload_type() == EventType::Reviewed || e.payload_type() == EventType::Cleaned);
}

std::vector<GateFinding> JudgeStep(const ProjectModel& model, const schema::Event& e, int64_t at,
                                   const GateGitFacts* git) {
  std::vector<GateFinding> out;
  if (!IsGated(e)) return out;
  const EventType type = e.payload_type();
  if (type == EventType::Dispatched) DispatchRules(model, e, at, &out);
  if (type == EventType::Completed) CompletedRules(model, e, &out);
  if (type == EventType::Reviewed) ReviewRules(model, e, git, &out);
  if (type == EventType::Cleaned) CleanupRules(model, e, git, &out);
  LaneRules(model, e, &out);
  return out;
}

std::string FindingsText(const std::vector<GateFinding>& findings) {
  std::vector<std::string> parts;
  for (const GateFinding& f : findings) parts.push_back(f.Text());
  return absl::StrJoin(parts, "; ");
}

}  // namespace orch

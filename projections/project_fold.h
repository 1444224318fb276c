// ProjectFold: the pure fold from events to a ProjectModel.
//
// Apply() is called once per event in sequence order; it does no I/O and
// depends on nothing but the model and the event, so folding a checkpointed
// model further gives exactly the model a fold from scratch gives.
//
// Each task's facts (TaskModel::facts: state, delivery unit, backed
// evidence, inspection, ...) come from the one task fold (task_fold.h:
// CheckStep / ApplyEvent), task-less movers included (a `pushed` without a
// task moves every merged task to pushed); this fold adds only what the
// pages show beyond them. An event is an anomaly when the store recorded
// one with it (Record.anomaly) or when CheckStep flags it now (e.g. a log
// written before a rule existed), unless it is imported history
// (IsImportedHistory, task_fold.h): the predecessor's steps are not
// anomalies of the night.
//
// Thread safety: none; one fold per thread.
#ifndef ORCH_PROJECTIONS_PROJECT_FOLD_H_
#define ORCH_PROJECTIONS_PROJECT_FOLD_H_

#include "eventstore/logged_event.h"
#include "projections/project_model.h"
#include "projections/task_fold.h"

namespace orch {

class ProjectFold {
 public:
  ProjectFold() = default;
  // Continues from `model` (e.g. a decoded checkpoint).
  explicit ProjectFold(ProjectModel model);

  // Folds one event. Events must come in increasing sequence order.
  void Apply(const LoggedEvent& e);

  const ProjectModel& model() const { return model_; }
  ProjectModel Take() { return std::move(model_); }

 private:
  void ApplyProject(const LoggedEvent& e, const std::string& summary);
  // Returns the anomaly text for the event ("" when none).
  std::string ApplyTask(const LoggedEvent& e, const std::string& summary);
  // An external review (review-imported), with or without a task.
  void ApplyReviewImported(const LoggedEvent& e);
  // A dispatch with a switch reason makes its lane the current one.
  void ApplyLaneSwitch(const LoggedEvent& e, const TaskModel& t);
  TaskModel* TaskFor(const std::string& id, uint64_t seq, bool create);

  ProjectModel model_;
};

}  // namespace orch

#endif  // ORCH_PROJECTIONS_PROJECT_FOLD_H_

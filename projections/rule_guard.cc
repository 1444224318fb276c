#include "projections/rule_guard.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "projections/model_loader.h"
#include "projections/project_fold.h"
#include "projections/task_fold.h"
#include "schema/event_schema.h"

namespace orch {

RuleGuard::RuleGuard(RuleGuardOptions options) : options_(std::move(options)), lifecycle_(options_.clock) {}

bool RuleGuard::ReadsProjectEvent(EventType type) const { return lifecycle_.ReadsProjectEvent(type); }

bool RuleGuard::ReadsWholeLog(EventType type) const {
  return type == EventType::Dispatched || type == EventType::PackageOpened ||
         type == EventType::PackageClosed || type == EventType::PackageBlocked;
}

absl::StatusOr<GuardOutcome> RuleGuard::Check(const EventStore& store,
                                              const std::vector<LoggedEvent>& pending) {
  // The lifecycle first: an impossible step is said as such, not as a gate.
  ORCH_ASSIGN_OR_RETURN(GuardOutcome outcome, lifecycle_.Check(store, pending));
  bool gated = false;
  for (const LoggedEvent& e : pending) gated = gated || IsGated(e.event());
  if (!gated) return outcome;

  // The model as the log stands, then each pending event folded in turn, so
  // a batch (a replayed night) is judged step by step as it happened.
  LoadOptions lo;
  lo.task_details = true;
  ORCH_ASSIGN_OR_RETURN(ProjectModel model, ReadProjectModel(store, lo));
  ProjectFold fold(std::move(model));
  for (size_t i = 0; i < pending.size(); ++i) {
    const LoggedEvent& e = pending[i];
    if (IsGated(e.event())) {
      auto git = options_.git.find(std::string(e.task()));
      const GateGitFacts* facts =
          git == options_.git.end() || !GateReadsGit(e.event()) ? nullptr : &git->second;
      const std::vector<GateFinding> findings = JudgeStep(fold.model(), e.event(), e.time_ns(), facts);
      if (!findings.empty()) {
        // Observed facts are recorded, not refused; so is imported history
        // (task_fold.h IsImportedHistory): it happened under another tool.
        const bool observed = e.event().claim() == schema::Claim::observed;
        if (!observed && !IsImportedHistory(e.event())) {
          return absl::AbortedError(absl::StrCat("cannot record ", ToKebab(schema::EnumNamePayload(e.type())),
                                                 e.task().empty() ? "" : absl::StrCat(" for ", e.task()),
                                                 ": ", FindingsText(findings),
                                                 " (use --observed to record it as an observed fact)"));
        }
        std::string& anomaly = outcome.anomalies[i];
        anomaly =
            anomaly.empty() ? FindingsText(findings) : absl::StrCat(anomaly, "; ", FindingsText(findings));
      }
    }
    fold.Apply(e);
  }
  return outcome;
}

}  // namespace orch

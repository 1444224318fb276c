#include "projections/event_family.h"

namespace orch {

EventFamily FamilyOf(EventType type) {
  using T = EventType;
  using F = EventFamily;
  switch (type) {
    case T::NONE:
      return F::kNone;
    case T::ProjectInitialized:
    case T::PackageOpened:
    case T::PackageClosed:
    case T::PackageBlocked:
    case T::RunModeChanged:
    case T::Settings:
    case T::StoreRecovered:
      return F::kProject;
    case T::Heartbeat:
    case T::HeartbeatMissed:
      return F::kLoop;
    case T::Dispatched:
    case T::WorktreeReady:
    case T::SetupFailed:
    case T::Committed:
    case T::Completed:
    case T::Inspected:
    case T::Gate:
      return F::kWork;
    case T::ReviewStarted:
    case T::Reviewed:
    case T::ReviewImported:
    case T::Merged:
    case T::Pushed:
    case T::Cleaned:
      return F::kReview;
    case T::Blocked:
    case T::Unblocked:
    case T::Abandoned:
    case T::StaleDetected:
    case T::DriftDetected:
      return F::kStop;
    case T::Note:
      return F::kNote;
  }
  return F::kNone;
}

}  // namespace orch

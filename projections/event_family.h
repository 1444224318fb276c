// The event types in families, listed once here, so a fold or a summary
// dispatches on the family and hands each family to one function instead
// of listing the types again (a new type is added here, and the compiler
// names every switch that must learn it).
#ifndef ORCH_PROJECTIONS_EVENT_FAMILY_H_
#define ORCH_PROJECTIONS_EVENT_FAMILY_H_

#include "eventstore/logged_event.h"

namespace orch {

enum class EventFamily {
  kNone,     // NONE, or a type this binary does not know
  kProject,  // project-initialized, package-*, run-mode-changed, settings, store-recovered
  kLoop,     // heartbeat, heartbeat-missed
  kWork,     // dispatched, worktree-ready, setup-failed, committed, completed, inspected, gate
  kReview,   // review-started, reviewed, review-imported, merged, pushed, cleaned
  kStop,     // blocked, unblocked, abandoned, stale-detected, drift-detected
  kNote,     // note
};

EventFamily FamilyOf(EventType type);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_EVENT_FAMILY_H_

// The `reviewed` event `orch review` records: the reviewer's decision and
// the acceptance report (acceptance.h) it was made on, bounded so the event
// stays small whatever the diff holds. Beside the report because the pack
// (LoadLatestReview) reads back exactly these fields.
#ifndef ORCH_PROJECTIONS_REVIEW_PAYLOAD_H_
#define ORCH_PROJECTIONS_REVIEW_PAYLOAD_H_

#include <string>
#include <vector>

#include "projections/acceptance.h"
#include "schema/event_schema.h"

namespace orch {

// What the reviewer says (orch review's flags).
struct ReviewDecision {
  std::string task;
  std::string verdict;          // accepted, rejected, changes-requested
  std::string evidence;         // the label asked for; "" for none
  std::string override_reason;  // "" for none
  std::string reviewer, actor, note;
  std::vector<std::string> risks;
};

// The `reviewed` event for `d` on the report `r`. `backed`: whether the
// task's passing gates back d.evidence (task_rules.h, Backs). Only a backed
// label, or one given with a verdict other than accepted, becomes the
// event's evidence; an overclaim is kept as requested_evidence, never
// promoted. An override is recorded (with what it overrides) only when
// the verdict is accepted and the report refuses something.
EventContent ReviewedEvent(const ReviewDecision& d, const AcceptanceReport& r, bool backed);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_REVIEW_PAYLOAD_H_

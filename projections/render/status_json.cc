#include "projections/render/status_json.h"

#include "projections/event_summary.h"
#include "projections/render/ledger_json.h"

namespace orch {

namespace {

using J = nlohmann::ordered_json;

J Rows(const std::vector<TaskRow>& rows) {
  J a = J::array();
  for (const TaskRow& r : rows) {
    a.push_back({{"id", r.id},
                 {"title", r.title},
                 {"state", r.state},
                 {"package", r.package},
                 {"branch", r.branch},
                 {"worker", r.worker},
                 {"evidence", r.evidence},
                 {"inStateSeconds", r.in_state_seconds},
                 {"ageSeconds", r.age_seconds},
                 {"why", r.why},
                 {"anomalies", r.anomalies},
                 {"reviewOverride", r.override_reason}});
  }
  return a;
}

J Attentions(const std::vector<Attention>& items) {
  J a = J::array();
  for (const Attention& x : items) a.push_back({{"subject", x.subject}, {"why", x.why}});
  return a;
}

J Happenings(const std::vector<Happened>& items) {
  J a = J::array();
  for (const Happened& h : items)
    a.push_back({{"task", h.task}, {"at", TimeText(h.at)}, {"detail", h.detail}});
  return a;
}

J Findings(const std::vector<Finding>& items) {
  J a = J::array();
  for (const Finding& f : items) {
    a.push_back({{"seq", f.seq},
                 {"at", TimeText(f.at)},
                 {"task", f.task},
                 {"type", EventTypeName(f.type)},
                 {"kind", f.kind},
                 {"detail", f.detail}});
  }
  return a;
}

J LaneJson(const StatusView& v) {
  return J{
      {"id", v.lane},
      {"title", v.lane_title},
      {"status", v.lane_status},
      {"reason", v.lane_reason},
      {"tasks", Rows(v.lane_tasks)},
      {"progress",
       {{"tasks", v.lane_tasks_total}, {"done", v.lane_tasks_done}, {"accepted", v.lane_tasks_accepted}}},
      {"closeBlockers", v.lane_close_blockers}};
}

J HeartbeatJson(const StatusView& v) {
  J missed = J::array();
  for (const MissedHeartbeat& h : v.missed_since) {
    missed.push_back({{"seq", h.seq},
                      {"at", TimeText(h.at)},
                      {"expectedAt", TimeText(h.expected_at)},
                      {"gapSeconds", h.gap_seconds}});
  }
  return J{{"last", TimeText(v.last_heartbeat_at)},
           {"source", v.last_heartbeat_source},
           {"nextExpected", TimeText(v.next_heartbeat_at)},
           {"overdue", v.heartbeat_overdue},
           {"overdueSeconds", v.overdue_seconds},
           {"missedSince", std::move(missed)},
           {"missedTotal", v.missed_total}};
}

// Each inspection with its task.
J InspectionsJson(const StatusView& v) {
  J insp = J::array();
  for (const auto& [task, i] : v.inspections) {
    J x = InspectionToJson(i);
    x["task"] = task;
    insp.push_back(std::move(x));
  }
  return insp;
}

J TimelineJson(const StatusView& v) {
  J timeline = J::array();
  for (const RecentEvent& r : v.timeline) {
    timeline.push_back({{"seq", r.seq},
                        {"at", TimeText(r.at)},
                        {"task", r.task},
                        {"type", EventTypeName(r.type)},
                        {"claim", schema::EnumNameClaim(r.claim)},
                        {"summary", r.summary},
                        {"note", r.note},
                        {"anomaly", r.anomaly}});
  }
  return timeline;
}

J ExternalReviewsJson(const StatusView& v) {
  J reviews = J::array();
  for (const ExternalReview& r : v.external_reviews) {
    reviews.push_back({{"seq", r.seq},
                       {"at", TimeText(r.at)},
                       {"reviewer", r.reviewer},
                       {"file", r.file},
                       {"task", r.task},
                       {"package", r.package_id},
                       {"status", r.status},
                       {"p1", r.p1},
                       {"p2", r.p2}});
  }
  return reviews;
}

}  // namespace

std::string RenderStatusJson(const StatusView& v) {
  J j;
  j["now"] = TimeText(v.now);
  j["since"] = TimeText(v.since);
  j["headSeq"] = v.head_seq;
  j["next"] = {
      {"action", v.next.action}, {"rule", v.next.rule}, {"reason", v.next.reason}, {"also", v.next.also}};
  j["lane"] = LaneJson(v);
  j["loop"] = {{"runMode", v.run_mode},
               {"reason", v.run_mode_reason},
               {"since", TimeText(v.run_mode_since)},
               {"slotsUsed", v.slots_used},
               {"maxConcurrency", v.max_concurrency}};
  j["heartbeat"] = HeartbeatJson(v);
  j["active"] = Rows(v.active);
  j["pendingSetup"] = Rows(v.pending_setup);
  j["readyForReview"] = Rows(v.ready_for_review);
  j["inReview"] = Rows(v.in_review);
  j["needsHuman"] = Attentions(v.needs_human);
  j["mergedSince"] = Happenings(v.merged);
  j["pushedSince"] = Happenings(v.pushed);
  j["cleanedSince"] = Happenings(v.cleaned);
  j["mergedCount"] = v.merged_count;
  j["pushedCount"] = v.pushed_count;
  j["cleanedCount"] = v.cleaned_count;
  j["leftBehind"] = Attentions(v.left_behind);
  j["leftBehindCount"] = v.left_behind_count;
  j["tasks"] = Rows(v.tasks);
  j["tasksHidden"] = v.tasks_hidden;
  j["anomalies"] = Findings(v.anomalies);
  j["anomaliesTotal"] = v.anomalies_total;
  j["drift"] = Findings(v.drift);
  j["inspections"] = InspectionsJson(v);
  j["timeline"] = TimelineJson(v);
  j["externalReviews"] = ExternalReviewsJson(v);
  return j.dump(2, ' ', false, J::error_handler_t::replace) + "\n";
}

}  // namespace orch

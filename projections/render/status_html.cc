#include "projections/render/status_html.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "base/time_text.h"
#include "projections/event_summary.h"
#include "projections/render/html_escape.h"
#include "projections/render/status_svg.h"

namespace orch {

namespace {

std::string H(absl::string_view s) { return HtmlEscape(s); }
// To the second, zone named; the <time> element carries the instant, so a
// page script (the live page of `orch serve`) can show it in the viewer's
// own zone.
std::string T(int64_t ns) {
  if (ns == 0) return "never";
  const absl::Time t = absl::FromUnixNanos(ns);
  return absl::StrCat("<time datetime=\"", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone()),
                      "\">", absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", t, absl::UTCTimeZone()), "</time>");
}
std::string Dur(int64_t s) { return FormatDurationShort(s); }

constexpr char kStyle[] = R"css(
:root{color-scheme:light dark;--bad:#c62828;--muted:#777}
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:980px;padding:12px}
h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.1em;margin:1.2em 0 .4em;border-bottom:1px solid #8884}
.next{padding:10px 12px;border-radius:8px;background:#42a5f522;border-left:6px solid #42a5f5}
.next.review{border-color:#ffa726;background:#ffa72622}.next.wait{border-color:#90a4ae}
.next.stop-dispatching{border-color:var(--bad);background:#c6282822}.next.inspect{border-color:#ab47bc;background:#ab47bc22}
.bad{color:var(--bad);font-weight:600}.muted{color:var(--muted)}
table{border-collapse:collapse;width:100%;font-size:.92em}th,td{text-align:left;padding:3px 6px;border-bottom:1px solid #8883;vertical-align:top}
.scroll{overflow-x:auto}ul{padding-left:1.2em;margin:.3em 0}
.chip{display:inline-block;padding:0 6px;border-radius:9px;color:#000;font-size:.85em;white-space:nowrap}
svg.timeline{width:100%;height:auto;font:11px sans-serif}svg .grid{stroke:#8884}svg .axis{fill:var(--muted)}
svg .label{fill:currentColor}svg .beat{stroke:#2e7d32;stroke-width:2}svg .missed{stroke:#c62828;stroke-width:2.5}
svg .anomaly{fill:#c62828;font-weight:700}
@media (max-width:600px){body{font-size:14px;padding:8px}td,th{padding:2px 4px}}
)css";

void Section(std::string* out, absl::string_view id, absl::string_view title) {
  absl::StrAppend(out, "<section id=\"", id, "\"><h2>", title, "</h2>\n");
}

void End(std::string* out) { absl::StrAppend(out, "</section>\n"); }

std::string Chip(const std::string& state) {
  TaskState s = TaskState::kUnknown;
  for (int i = 0; i <= static_cast<int>(TaskState::kAbandoned); ++i) {
    if (TaskStateName(static_cast<TaskState>(i)) == state) s = static_cast<TaskState>(i);
  }
  return absl::StrCat("<span class=\"chip\" style=\"background:", StateColor(s), "\">", H(state), "</span>");
}

void RowList(std::string* out, const std::vector<TaskRow>& rows) {
  if (rows.empty()) return absl::StrAppend(out, "<p class=\"muted\">none</p>\n");
  absl::StrAppend(out, "<ul>\n");
  for (const TaskRow& r : rows) {
    absl::StrAppend(out, "<li><b>", H(r.id), "</b> ", H(r.title), " — ", Chip(r.state), " for ",
                    Dur(r.in_state_seconds));
    if (!r.branch.empty()) absl::StrAppend(out, ", branch <code>", H(r.branch), "</code>");
    if (!r.worker.empty()) absl::StrAppend(out, ", worker ", H(r.worker));
    if (!r.why.empty()) absl::StrAppend(out, ": ", H(r.why));
    absl::StrAppend(out, "</li>\n");
  }
  absl::StrAppend(out, "</ul>\n");
}

void Attentions(std::string* out, const std::vector<Attention>& items, bool bad) {
  if (items.empty()) return absl::StrAppend(out, "<p class=\"muted\">none</p>\n");
  absl::StrAppend(out, "<ul>\n");
  for (const Attention& a : items) {
    absl::StrAppend(out, "<li", bad ? " class=\"bad\"" : "", "><b>", H(a.subject), "</b>: ", H(a.why),
                    "</li>\n");
  }
  absl::StrAppend(out, "</ul>\n");
}

std::string Happenings(const std::vector<Happened>& items, size_t count) {
  if (items.empty()) return "<span class=\"muted\">none</span>";
  std::vector<std::string> parts;
  for (const Happened& h : items) parts.push_back(absl::StrCat("<b>", H(h.task), "</b> ", T(h.at)));
  return absl::StrCat(count > items.size() ? absl::StrCat(count, " in all, newest: ") : "",
                      absl::StrJoin(parts, ", "));
}

// An accepted review's override of the acceptance report, if there was one.
std::string OverrideNote(const TaskRow& r) {
  if (r.override_reason.empty()) return "";
  return absl::StrCat(" <span class=\"bad override\">override: ", H(r.override_reason), "</span>");
}

std::string List(const std::vector<std::string>& items) { return H(absl::StrJoin(items, ", ")); }

void Inspections(std::string* out, const StatusView& v) {
  if (v.inspections.empty()) return absl::StrAppend(out, "<p class=\"muted\">none</p>\n");
  absl::StrAppend(out,
                  "<div class=\"scroll\"><table><tr><th>task</th><th>at</th><th>head</th><th>branch</th>"
                  "<th>worktree</th><th>dirty</th><th>forbidden touched</th><th>reviewable</th>"
                  "<th>problems</th></tr>\n");
  for (const auto& [task, i] : v.inspections) {
    absl::StrAppend(out, "<tr><td>", H(task), "</td><td>", T(i.at), "</td><td><code>",
                    H(i.head.substr(0, 10)), "</code></td><td",
                    i.branch_matches ? ">matches" : " class=\"bad\">mismatch: " + H(i.branch), "</td><td",
                    i.worktree_exists ? ">exists" : " class=\"bad\">missing", "</td><td",
                    i.dirty.empty() ? ">clean" : " class=\"bad\">" + List(i.dirty), "</td><td",
                    i.forbidden_touched.empty() ? ">none" : " class=\"bad\">" + List(i.forbidden_touched),
                    "</td><td", i.reviewable ? ">yes" : " class=\"bad\">no", "</td><td>",
                    H(absl::StrJoin(i.problems, "; ")), "</td></tr>\n");
  }
  absl::StrAppend(out, "</table></div>\n");
}

void Findings(std::string* out, const std::vector<Finding>& items) {
  if (items.empty()) return absl::StrAppend(out, "<p class=\"muted\">none</p>\n");
  absl::StrAppend(out, "<ul>\n");
  for (const Finding& f : items) {
    absl::StrAppend(out, "<li>#", f.seq, " ", T(f.at), " <b>", H(f.task.empty() ? "project" : f.task),
                    "</b> ", EventTypeName(f.type), ": <span class=\"bad\">", H(f.detail), "</span></li>\n");
  }
  absl::StrAppend(out, "</ul>\n");
}

void RowSection(std::string* out, absl::string_view id, absl::string_view title,
                const std::vector<TaskRow>& rows) {
  Section(out, id, title);
  RowList(out, rows);
  End(out);
}

void FindingSection(std::string* out, absl::string_view id, absl::string_view title,
                    const std::vector<Finding>& items) {
  Section(out, id, title);
  Findings(out, items);
  End(out);
}

using SectionWriter = void (*)(std::string* out, const StatusView& v);

// The rule that fired, with the others that also hold.
void NextActionSection(std::string* out, const StatusView& v) {
  absl::StrAppend(out, "<section id=\"next-action\" class=\"next ", H(v.next.action),
                  "\"><b>Next action: ", H(v.next.action), "</b> — ", H(v.next.reason),
                  " <small>(rule: ", H(v.next.rule), ")</small>");
  if (!v.next.also.empty()) {
    absl::StrAppend(out, "<ul>");
    for (const std::string& a : v.next.also) absl::StrAppend(out, "<li>also: ", H(a), "</li>");
    absl::StrAppend(out, "</ul>");
  }
  absl::StrAppend(out, "</section>\n");
}

// Lane, loop and heartbeat in one table.
void GlanceSection(std::string* out, const StatusView& v) {
  Section(out, "glance", "At a glance");
  absl::StrAppend(out, "<table>\n<tr><th>current lane</th><td>",
                  v.lane.empty()
                      ? "<span class=\"bad\">none open</span>"
                      : absl::StrCat("<b>", H(v.lane), "</b> ", H(v.lane_title), " (", H(v.lane_status), ")"),
                  "</td></tr>\n");
  absl::StrAppend(out, "<tr><th>loop</th><td>", H(v.run_mode),
                  v.run_mode_reason.empty() ? "" : ": " + H(v.run_mode_reason), "; ", v.slots_used, " of ",
                  v.max_concurrency, " slots used</td></tr>\n");
  absl::StrAppend(
      out, "<tr><th>heartbeat</th><td>last ", T(v.last_heartbeat_at),
      v.last_heartbeat_source.empty() ? "" : " (" + H(v.last_heartbeat_source) + ")", ", next expected ",
      T(v.next_heartbeat_at),
      v.heartbeat_overdue
          ? absl::StrCat(" <span class=\"bad\">overdue by ", Dur(v.overdue_seconds), "</span>")
          : "",
      "; missed: ",
      v.missed_since.empty() ? "0" : absl::StrCat("<span class=\"bad\">", v.missed_since.size(), "</span>"),
      " since, ", v.missed_total, " in all</td></tr>\n</table>\n");
  End(out);
}

// The current lane's tasks and what keeps it from closing.
void LaneSection(std::string* out, const StatusView& v) {
  Section(out, "lane", "Lane");
  if (v.lane.empty()) absl::StrAppend(out, "<p class=\"muted\">none open</p>\n");
  if (!v.lane.empty()) {
    absl::StrAppend(out, "<p><b>", H(v.lane), "</b> ", H(v.lane_title), " (", H(v.lane_status),
                    "): ", v.lane_tasks_done, " of ", v.lane_tasks_total, " task(s) done, ",
                    v.lane_tasks_accepted, " accepted</p>\n<ul>\n");
    for (const TaskRow& r : v.lane_tasks) {
      absl::StrAppend(out, "<li><b>", H(r.id), "</b> ", H(r.title), " — ", Chip(r.state), OverrideNote(r),
                      "</li>\n");
    }
    for (const std::string& b : v.lane_close_blockers) {
      absl::StrAppend(out, "<li class=\"bad\">cannot close: ", H(b), "</li>\n");
    }
    absl::StrAppend(out, "</ul>\n");
  }
  End(out);
}

void ExternalReviewsSection(std::string* out, const StatusView& v) {
  Section(out, "external-reviews", "External reviews");
  if (v.external_reviews.empty()) absl::StrAppend(out, "<p class=\"muted\">none</p>\n");
  if (!v.external_reviews.empty()) absl::StrAppend(out, "<ul>\n");
  for (const ExternalReview& r : v.external_reviews) {
    absl::StrAppend(out, "<li", r.p1 > 0 ? " class=\"bad\"" : "", "><b>", H(r.reviewer), "</b> on ",
                    H(r.task.empty() ? "lane " + r.package_id : r.task), ": ", H(r.status), ", P1 ", r.p1,
                    ", P2 ", r.p2, " (", H(r.file), ")</li>\n");
  }
  if (!v.external_reviews.empty()) absl::StrAppend(out, "</ul>\n");
  End(out);
}

// The task queues: working, waiting for setup or review, stuck.
void QueueSections(std::string* out, const StatusView& v) {
  RowSection(out, "active", "Active workers", v.active);
  RowSection(out, "pending-setup", "Pending setup", v.pending_setup);
  Section(out, "ready-for-review", "Ready for review");
  RowList(out, v.ready_for_review);
  if (!v.in_review.empty()) {
    absl::StrAppend(out, "<p>In review:</p>\n");
    RowList(out, v.in_review);
  }
  End(out);
  Section(out, "needs-human", "Needs a human");
  Attentions(out, v.needs_human, true);
  End(out);
}

// What happened since `since`, what was left behind, missed wake-ups.
void SinceSections(std::string* out, const StatusView& v) {
  Section(out, "since", absl::StrCat("Since ", T(v.since)));
  absl::StrAppend(out, "<p>merged: ", Happenings(v.merged, v.merged_count),
                  "<br>pushed: ", Happenings(v.pushed, v.pushed_count),
                  "<br>cleaned: ", Happenings(v.cleaned, v.cleaned_count), "</p>\n");
  End(out);
  Section(out, "left-behind", "Left behind");
  Attentions(out, v.left_behind, false);
  if (v.left_behind_count > v.left_behind.size()) {
    absl::StrAppend(out, "<p>and ", v.left_behind_count - v.left_behind.size(), " more</p>\n");
  }
  End(out);
  Section(out, "heartbeats", "Missed heartbeats");
  if (v.missed_since.empty()) absl::StrAppend(out, "<p class=\"muted\">none</p>\n");
  for (const MissedHeartbeat& h : v.missed_since) {
    absl::StrAppend(out, "<p class=\"bad\">expected ", T(h.expected_at), ", recorded ", T(h.at), " (",
                    Dur(h.gap_seconds), " late)</p>\n");
  }
  End(out);
}

// Anomalies, drift and the latest inspections.
void FindingSections(std::string* out, const StatusView& v) {
  FindingSection(out, "anomalies", "Anomalies", v.anomalies);
  FindingSection(out, "drift", "Drift", v.drift);
  Section(out, "inspections", "Latest inspections");
  Inspections(out, v);
  End(out);
}

// The timeline picture and its legend.
void PictureSection(std::string* out, const ProjectModel& m, const StatusView& v) {
  Section(out, "picture", "The night");
  absl::StrAppend(out, RenderTimelineSvg(m, v), "<p class=\"muted\">");
  for (int i = 1; i <= static_cast<int>(TaskState::kAbandoned); ++i) {
    const std::string name(TaskStateName(static_cast<TaskState>(i)));
    absl::StrAppend(out, Chip(name), " ");
  }
  absl::StrAppend(
      out, "<span style=\"color:#2e7d32\">| heartbeat</span> <span class=\"bad\">✕ missed</span></p>\n");
  End(out);
}

void TaskTableSection(std::string* out, const StatusView& v) {
  Section(out, "tasks", "Tasks");
  if (v.tasks.empty()) absl::StrAppend(out, "<p class=\"muted\">none</p>\n");
  if (!v.tasks.empty()) {
    absl::StrAppend(
        out,
        "<div class=\"scroll\"><table><tr><th>task</th><th>state</th><th>in state</th><th>age</th>"
        "<th>branch</th><th>evidence</th><th>title</th></tr>\n");
    for (const TaskRow& r : v.tasks) {
      absl::StrAppend(out, "<tr><td>", H(r.id), r.anomalies > 0 ? " <span class=\"bad\">!</span>" : "",
                      "</td><td>", Chip(r.state), "</td><td>", Dur(r.in_state_seconds), "</td><td>",
                      Dur(r.age_seconds), "</td><td><code>", H(r.branch), "</code></td><td>", H(r.evidence),
                      OverrideNote(r), "</td><td>", H(r.title), "</td></tr>\n");
    }
    absl::StrAppend(out, "</table></div>\n");
  }
  if (v.tasks_hidden > 0)
    absl::StrAppend(out, "<p class=\"muted\">", v.tasks_hidden, " more finished task(s) not shown.</p>\n");
  End(out);
}

void TimelineSection(std::string* out, const StatusView& v) {
  Section(out, "timeline", "Timeline");
  if (v.timeline.empty()) absl::StrAppend(out, "<p class=\"muted\">none</p>\n");
  if (!v.timeline.empty()) {
    absl::StrAppend(out,
                    "<div class=\"scroll\"><table><tr><th>at</th><th>#</th><th>task</th><th>event</th>"
                    "<th>detail</th></tr>\n");
    for (const RecentEvent& r : v.timeline) {
      absl::StrAppend(out, "<tr><td>", T(r.at), "</td><td>", r.seq, "</td><td>", H(r.task), "</td><td>",
                      EventTypeName(r.type),
                      r.claim != schema::Claim::reported
                          ? absl::StrCat(" <span class=\"muted\">", schema::EnumNameClaim(r.claim), "</span>")
                          : "",
                      "</td><td>", H(r.summary), r.note.empty() ? "" : " — “" + H(r.note) + "”",
                      r.anomaly.empty() ? "" : " <span class=\"bad\">anomaly: " + H(r.anomaly) + "</span>",
                      "</td></tr>\n");
    }
    absl::StrAppend(out, "</table></div>\n");
  }
  End(out);
}

}  // namespace

std::string RenderStatusHtml(const ProjectModel& m, const StatusView& v) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>orch "
      "status</title>\n<style>";
  absl::StrAppend(&out, kStyle, "</style></head><body>\n<h1>orch status</h1>\n<p class=\"muted\">At ",
                  T(v.now), " (log up to #", v.head_seq, "); “since” means since ", T(v.since), ".</p>\n");
  // The page: its sections, in order.
  for (SectionWriter section : {NextActionSection, GlanceSection, LaneSection, ExternalReviewsSection,
                                QueueSections, SinceSections, FindingSections}) {
    section(&out, v);
  }
  PictureSection(&out, m, v);
  TaskTableSection(&out, v);
  TimelineSection(&out, v);
  absl::StrAppend(&out, "</body></html>\n");
  return out;
}

}  // namespace orch

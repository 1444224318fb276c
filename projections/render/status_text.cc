#include "projections/render/status_text.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/display_text.h"
#include "base/time_text.h"

namespace orch {

namespace {

std::string T(int64_t ns) { return ns == 0 ? "never" : FormatRfc3339(ns); }

// Control characters from events must not move a terminal's cursor: they
// are shown in their visible form (base/display_text.h).
std::string Clean(absl::string_view s) { return EscapeForDisplay(s); }

std::string Pad(absl::string_view s, size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

std::string Ids(const std::vector<TaskRow>& rows) {
  if (rows.empty()) return "none";
  std::vector<std::string> parts;
  for (const TaskRow& r : rows)
    parts.push_back(absl::StrCat(Clean(r.id), " (", FormatDurationShort(r.in_state_seconds), ")"));
  return absl::StrJoin(parts, ", ");
}

std::string Happenings(const std::vector<Happened>& items, size_t count) {
  if (items.empty()) return "none";
  std::vector<std::string> ids;
  for (const Happened& h : items) ids.push_back(Clean(h.task));
  return absl::StrCat(count > items.size() ? absl::StrCat(count, " in all, newest: ") : "",
                      absl::StrJoin(ids, ", "));
}

}  // namespace

std::string RenderStatusText(const StatusView& v) {
  std::string out;
  absl::StrAppend(&out, "orch status at ", T(v.now), " (log #", v.head_seq, ")\n\n");
  absl::StrAppend(&out, "next action:  ", v.next.action, " - ", Clean(v.next.reason), " [", v.next.rule,
                  "]\n");
  for (const std::string& a : v.next.also) absl::StrAppend(&out, "  also: ", Clean(a), "\n");
  absl::StrAppend(&out, "lane:         ",
                  v.lane.empty() ? "none open"
                                 : absl::StrCat(Clean(v.lane), " (", v.lane_status, "): ", v.lane_tasks_done,
                                                " of ", v.lane_tasks_total, " task(s) done, ",
                                                v.lane_tasks_accepted, " accepted"),
                  "\n");
  for (const TaskRow& r : v.lane_tasks) {
    absl::StrAppend(&out, "  ", Clean(r.id), " ", r.state,
                    r.override_reason.empty() ? "" : absl::StrCat(" OVERRIDE: ", Clean(r.override_reason)),
                    "\n");
  }
  for (const std::string& b : v.lane_close_blockers)
    absl::StrAppend(&out, "  cannot close: ", Clean(b), "\n");
  absl::StrAppend(&out, "loop:         ", v.run_mode,
                  v.run_mode_reason.empty() ? "" : absl::StrCat(" - ", Clean(v.run_mode_reason)), "; ",
                  v.slots_used, " of ", v.max_concurrency, " slots used\n");
  absl::StrAppend(
      &out, "heartbeat:    last ", T(v.last_heartbeat_at), ", next ", T(v.next_heartbeat_at),
      v.heartbeat_overdue ? absl::StrCat(" (OVERDUE by ", FormatDurationShort(v.overdue_seconds), ")") : "",
      "; missed ", v.missed_since.size(), " since ", T(v.since), "\n");
  absl::StrAppend(&out, "active:       ", Ids(v.active), "\n");
  absl::StrAppend(&out, "pending:      ", Ids(v.pending_setup), "\n");
  absl::StrAppend(&out, "for review:   ", Ids(v.ready_for_review), "\n");
  absl::StrAppend(&out, "in review:    ", Ids(v.in_review), "\n");
  absl::StrAppend(&out, "since:        merged ", Happenings(v.merged, v.merged_count), "; pushed ",
                  Happenings(v.pushed, v.pushed_count), "; cleaned ", Happenings(v.cleaned, v.cleaned_count),
                  "\n");
  if (!v.needs_human.empty()) {
    absl::StrAppend(&out, "\nneeds a human:\n");
    for (const Attention& a : v.needs_human)
      absl::StrAppend(&out, "  ", Clean(a.subject), ": ", Clean(a.why), "\n");
  }
  if (!v.left_behind.empty()) {
    absl::StrAppend(&out, "\nleft behind:\n");
    for (const Attention& a : v.left_behind)
      absl::StrAppend(&out, "  ", Clean(a.subject), ": ", Clean(a.why), "\n");
    if (v.left_behind_count > v.left_behind.size()) {
      absl::StrAppend(&out, "  and ", v.left_behind_count - v.left_behind.size(), " more\n");
    }
  }
  if (!v.external_reviews.empty()) {
    absl::StrAppend(&out, "\nexternal reviews:\n");
    for (const ExternalReview& r : v.external_reviews) {
      absl::StrAppend(&out, "  ", Clean(r.reviewer), " on ",
                      Clean(r.task.empty() ? "lane " + r.package_id : r.task), ": ", r.status, ", P1 ", r.p1,
                      ", P2 ", r.p2, " (", Clean(r.file), ")\n");
    }
  }
  if (!v.tasks.empty()) {
    size_t w_id = 4, w_state = 5, w_branch = 6, w_ev = 8;
    for (const TaskRow& r : v.tasks) {
      w_id = std::max(w_id, Clean(r.id).size());
      w_state = std::max(w_state, r.state.size());
      w_branch = std::max(w_branch, Clean(r.branch).size());
      w_ev = std::max(w_ev, Clean(r.evidence).size() + (r.override_reason.empty() ? 0 : 9));
    }
    const auto line = [&](absl::string_view a, absl::string_view b, absl::string_view c, absl::string_view d,
                          absl::string_view e, absl::string_view f, absl::string_view g) {
      absl::StrAppend(&out, Pad(a, w_id), "  ", Pad(b, w_state), "  ", Pad(c, 8), "  ", Pad(d, 8), "  ",
                      Pad(e, w_branch), "  ", Pad(f, w_ev), "  ", g, "\n");
    };
    absl::StrAppend(&out, "\n");
    line("TASK", "STATE", "IN STATE", "AGE", "BRANCH", "EVIDENCE", "TITLE");
    for (const TaskRow& r : v.tasks) {
      line(Clean(r.id), r.state, FormatDurationShort(r.in_state_seconds), FormatDurationShort(r.age_seconds),
           Clean(r.branch), r.override_reason.empty() ? Clean(r.evidence) : Clean(r.evidence) + " OVERRIDE",
           Clean(r.title));
    }
    if (v.tasks_hidden > 0) absl::StrAppend(&out, v.tasks_hidden, " more finished task(s) not shown\n");
  }
  return out;
}

}  // namespace orch

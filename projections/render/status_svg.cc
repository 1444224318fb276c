#include "projections/render/status_svg.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "base/time_text.h"
#include "projections/render/html_escape.h"

namespace orch {

namespace {

constexpr int kWidth = 960;
constexpr int kLabel = 120;  // left column with task ids
constexpr int kRowH = 18;
constexpr int kTop = 22;  // axis labels

// Fixed-point text so output is identical everywhere.
std::string Num(double v) { return absl::StrFormat("%.1f", v); }

std::string HourMinute(int64_t ns) {
  return absl::FormatTime("%H:%M", absl::FromUnixNanos(ns), absl::UTCTimeZone());
}

}  // namespace

absl::string_view StateColor(TaskState s) {
  switch (s) {
    case TaskState::kPendingSetup:
      return "#b0bec5";
    case TaskState::kActive:
      return "#42a5f5";
    case TaskState::kCompletedUnreviewed:
      return "#ffca28";
    case TaskState::kReviewing:
      return "#ffa726";
    case TaskState::kAccepted:
      return "#9ccc65";
    case TaskState::kMerged:
      return "#66bb6a";
    case TaskState::kPushed:
      return "#2e7d32";
    case TaskState::kCleaned:
      return "#cfd8dc";
    case TaskState::kRejected:
      return "#ef5350";
    case TaskState::kBlocked:
      return "#c62828";
    case TaskState::kStaleNeedsInspection:
      return "#8d6e63";
    case TaskState::kCleanupNeeded:
      return "#ab47bc";
    case TaskState::kAbandoned:
      return "#757575";
    case TaskState::kUnknown:
      break;
  }
  return "#eeeeee";
}

std::string RenderTimelineSvg(const ProjectModel& m, const StatusView& v) {
  const int64_t start = std::max(v.since, m.first_at);
  // The night asked for: up to its last event (or `now`, if earlier), not
  // on to a "now" hours after it.
  const int64_t end = std::max(std::min(v.now, m.max_at), start + kNs);
  const double plot = kWidth - kLabel - 10;
  const auto x = [&](int64_t t) {
    const int64_t c = std::clamp(t, start, end);
    return kLabel + plot * static_cast<double>(c - start) / static_cast<double>(end - start);
  };
  const size_t rows = std::min(v.tasks.size(), kSvgRows);
  const int height = kTop + kRowH * static_cast<int>(rows + 1) + 6;
  std::string out =
      absl::StrCat("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" viewBox=\"0 0 ", kWidth, " ",
                   height, "\" role=\"img\" aria-label=\"timeline from ", FormatRfc3339(start), " to ",
                   FormatRfc3339(end), "\">\n");
  // Time axis: six evenly spaced labels.
  for (int i = 0; i <= 5; ++i) {
    const int64_t t = start + (end - start) / 5 * i;
    absl::StrAppend(&out, "<line class=\"grid\" x1=\"", Num(x(t)), "\" y1=\"", kTop - 6, "\" x2=\"",
                    Num(x(t)), "\" y2=\"", height, "\"/><text class=\"axis\" x=\"", Num(x(t)), "\" y=\"12\">",
                    HourMinute(t), "</text>\n");
  }
  // Heartbeats row.
  int y = kTop;
  absl::StrAppend(&out, "<text class=\"label\" x=\"4\" y=\"", y + 13, "\">heartbeats</text>\n");
  for (int64_t tick : m.heartbeat_ticks) {
    if (tick < start || tick > end) continue;
    absl::StrAppend(&out, "<line class=\"beat\" x1=\"", Num(x(tick)), "\" y1=\"", y + 2, "\" x2=\"",
                    Num(x(tick)), "\" y2=\"", y + kRowH - 2, "\"><title>heartbeat ", FormatRfc3339(tick),
                    "</title></line>\n");
  }
  for (const MissedHeartbeat& h : m.missed) {
    if (h.expected_at < start || h.expected_at > end) continue;
    const double cx = x(h.expected_at);
    absl::StrAppend(&out, "<path class=\"missed\" d=\"M", Num(cx - 5), " ", y + 4, " L", Num(cx + 5), " ",
                    y + 14, " M", Num(cx + 5), " ", y + 4, " L", Num(cx - 5), " ", y + 14,
                    "\"><title>missed heartbeat, expected ", FormatRfc3339(h.expected_at),
                    "</title></path>\n");
  }
  // One row per task, a rectangle per state it was in.
  for (size_t r = 0; r < rows; ++r) {
    y += kRowH;
    const TaskRow& row = v.tasks[r];
    const TaskModel* t = m.FindTask(row.id);
    absl::StrAppend(&out, "<text class=\"label\" x=\"4\" y=\"", y + 13, "\">",
                    HtmlEscape(row.id.substr(0, 16)), "</text>\n");
    if (t == nullptr) continue;
    for (size_t i = 0; i < t->transitions.size(); ++i) {
      const Transition& tr = t->transitions[i];
      const int64_t to = i + 1 < t->transitions.size() ? t->transitions[i + 1].at : end;
      if (to < start || tr.at > end) continue;
      const double x0 = x(tr.at), x1 = std::max(x(to), x0 + 1.5);
      absl::StrAppend(&out, "<rect x=\"", Num(x0), "\" y=\"", y + 2, "\" width=\"", Num(x1 - x0),
                      "\" height=\"", kRowH - 4, "\" fill=\"", StateColor(tr.state), "\"><title>",
                      HtmlEscape(row.id), " ", TaskStateName(tr.state), " from ", FormatRfc3339(tr.at),
                      "</title></rect>\n");
    }
    if (t->anomalies > 0) {
      absl::StrAppend(&out, "<text class=\"anomaly\" x=\"", kLabel - 14, "\" y=\"", y + 13, "\">!</text>\n");
    }
  }
  absl::StrAppend(&out, "</svg>\n");
  return out;
}

}  // namespace orch

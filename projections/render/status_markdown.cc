#include "projections/render/status_markdown.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/display_text.h"
#include "base/time_text.h"
#include "projections/event_summary.h"
#include "projections/render/ledger_json.h"

namespace orch {

namespace {

std::string E(absl::string_view s) { return MarkdownEscape(s); }

std::string T(int64_t ns) { return ns == 0 ? "never" : FormatRfc3339(ns); }

std::string Dur(int64_t s) { return FormatDurationShort(s); }

void Section(std::string* out, absl::string_view title) { absl::StrAppend(out, "\n## ", title, "\n\n"); }

void None(std::string* out) { absl::StrAppend(out, "_none_\n"); }

void RowList(std::string* out, const std::vector<TaskRow>& rows, absl::string_view verb) {
  if (rows.empty()) return None(out);
  for (const TaskRow& r : rows) {
    absl::StrAppend(out, "- **", E(r.id), "** ", E(r.title), " (", E(r.state), " for ",
                    Dur(r.in_state_seconds));
    if (!r.branch.empty()) absl::StrAppend(out, ", branch ", E(r.branch));
    if (!r.worker.empty()) absl::StrAppend(out, ", ", verb, " ", E(r.worker));
    absl::StrAppend(out, ")", r.why.empty() ? "" : absl::StrCat(": ", E(r.why)), "\n");
  }
}

void Attentions(std::string* out, const std::vector<Attention>& items) {
  if (items.empty()) return None(out);
  for (const Attention& a : items) absl::StrAppend(out, "- **", E(a.subject), "**: ", E(a.why), "\n");
}

std::string Happenings(const std::vector<Happened>& items, size_t count) {
  if (items.empty()) return "none";
  std::vector<std::string> parts;
  for (const Happened& h : items) parts.push_back(absl::StrCat(E(h.task), " (", FormatRfc3339(h.at), ")"));
  return absl::StrCat(count > items.size() ? absl::StrCat(count, " in all, newest: ") : "",
                      absl::StrJoin(parts, ", "));
}

// An accepted review's override of the acceptance report, if there was one.
std::string OverrideNote(const TaskRow& r) {
  return r.override_reason.empty() ? "" : absl::StrCat(" **OVERRIDE: ", E(r.override_reason), "**");
}

std::string YesNo(bool b) { return b ? "yes" : "**no**"; }

}  // namespace

std::string MarkdownEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  ForEachDisplayPiece(text, [&out](absl::string_view piece, bool escaped) {
    if (escaped) {
      // "\x1b" must read as a backslash, not escape the 'x': double it.
      absl::StrAppend(&out, "\\", piece);
      return;
    }
    for (char c : piece) {
      switch (c) {
        case '\\':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
        case '<':
        case '>':
        case '|':
        case '#':
        case '&':
        case '~':
          out.push_back('\\');
          break;
        default:
          break;
      }
      out.push_back(c);
    }
  });
  // A value may stand at the start of a line (a reason under a heading):
  // nothing it begins with may open a list, a setext underline, a code
  // block or an ordered list there. A leading space becomes an entity, so
  // no indentation or block marker can follow it.
  if (out.empty()) return out;
  const char first = out[0];
  if (first == ' ') return absl::StrCat("&#32;", out.substr(1));
  if (first == '-' || first == '+' || first == '=') return absl::StrCat("\\", out);
  size_t digits = 0;
  while (digits < out.size() && absl::ascii_isdigit(static_cast<unsigned char>(out[digits]))) ++digits;
  if (digits > 0 && digits < out.size() && (out[digits] == '.' || out[digits] == ')')) {
    out.insert(digits, "\\");
  }
  return out;
}

namespace {

using SectionWriter = void (*)(std::string* out, const StatusView& v);

void NextActionSection(std::string* out, const StatusView& v) {
  Section(out, absl::StrCat("Next action: ", v.next.action));
  absl::StrAppend(out, E(v.next.reason), " (rule: ", E(v.next.rule), ")\n");
  for (const std::string& a : v.next.also) absl::StrAppend(out, "- also: ", E(a), "\n");
}

// One table answering the first questions.
void GlanceSection(std::string* out, const StatusView& v) {
  Section(out, "At a glance");
  absl::StrAppend(out, "| question | answer |\n| --- | --- |\n");
  absl::StrAppend(out, "| current lane | ",
                  v.lane.empty()
                      ? "none open"
                      : absl::StrCat(E(v.lane), v.lane_title.empty() ? "" : " — " + E(v.lane_title), " (",
                                     E(v.lane_status), ")"),
                  " |\n");
  absl::StrAppend(out, "| loop | ", E(v.run_mode),
                  v.run_mode_reason.empty() ? "" : ": " + E(v.run_mode_reason),
                  v.run_mode_since == 0 ? "" : absl::StrCat(" (since ", T(v.run_mode_since), ")"), "; ",
                  v.slots_used, " of ", v.max_concurrency, " slots used |\n");
  absl::StrAppend(out, "| last heartbeat | ", T(v.last_heartbeat_at),
                  v.last_heartbeat_source.empty() ? "" : " (" + E(v.last_heartbeat_source) + ")", " |\n");
  absl::StrAppend(out, "| next expected | ", T(v.next_heartbeat_at),
                  v.heartbeat_overdue ? absl::StrCat(" — **overdue by ", Dur(v.overdue_seconds), "**") : "",
                  " |\n");
  absl::StrAppend(out, "| missed heartbeats | ", v.missed_since.size(), " since, ", v.missed_total,
                  " in all |\n");
  absl::StrAppend(out, "| active / pending setup / ready for review / in review | ", v.active.size(), " / ",
                  v.pending_setup.size(), " / ", v.ready_for_review.size(), " / ", v.in_review.size(),
                  " |\n");
  absl::StrAppend(out, "| needs a human | ", v.needs_human.size(), " |\n");
}

// The current lane's tasks and what keeps it from closing.
void LaneSection(std::string* out, const StatusView& v) {
  Section(out, "Lane");
  if (v.lane.empty()) None(out);
  if (!v.lane.empty()) {
    absl::StrAppend(out, "**", E(v.lane), "**", v.lane_title.empty() ? "" : " — " + E(v.lane_title), " (",
                    E(v.lane_status), "): ", v.lane_tasks_done, " of ", v.lane_tasks_total, " task(s) done, ",
                    v.lane_tasks_accepted, " accepted\n\n");
    for (const TaskRow& r : v.lane_tasks) {
      absl::StrAppend(out, "- ", E(r.id), " ", E(r.title), " (", E(r.state), ")", OverrideNote(r), "\n");
    }
    if (v.lane_close_blockers.empty()) absl::StrAppend(out, "- the lane may close\n");
    for (const std::string& b : v.lane_close_blockers) absl::StrAppend(out, "- cannot close: ", E(b), "\n");
  }
}

void ExternalReviewsSection(std::string* out, const StatusView& v) {
  Section(out, "External reviews");
  if (v.external_reviews.empty()) None(out);
  for (const ExternalReview& r : v.external_reviews) {
    absl::StrAppend(out, "- ", E(r.reviewer), " on ", E(r.task.empty() ? "lane " + r.package_id : r.task),
                    ": ", E(r.status), ", ", r.p1 > 0 ? absl::StrCat("**P1 ", r.p1, "**") : "P1 0", ", P2 ",
                    r.p2, " (", E(r.file), ", #", r.seq, ")\n");
  }
}

// The task queues: working, waiting for setup or review, stuck.
void QueueSections(std::string* out, const StatusView& v) {
  Section(out, "Active workers");
  RowList(out, v.active, "worker");
  Section(out, "Pending setup");
  RowList(out, v.pending_setup, "worker");
  Section(out, "Ready for review");
  RowList(out, v.ready_for_review, "worker");
  Section(out, "In review");
  RowList(out, v.in_review, "worker");
  Section(out, "Needs a human");
  Attentions(out, v.needs_human);
}

// What happened since `since`, and what was left behind.
void SinceSections(std::string* out, const StatusView& v) {
  Section(out, absl::StrCat("Since ", T(v.since)));
  absl::StrAppend(out, "- merged: ", Happenings(v.merged, v.merged_count),
                  "\n- pushed: ", Happenings(v.pushed, v.pushed_count),
                  "\n- cleaned: ", Happenings(v.cleaned, v.cleaned_count), "\n");
  Section(out, "Left behind");
  Attentions(out, v.left_behind);
  if (v.left_behind_count > v.left_behind.size()) {
    absl::StrAppend(out, "- and ", v.left_behind_count - v.left_behind.size(), " more\n");
  }
}

// Missed wake-ups, anomalies and drift.
void FindingSections(std::string* out, const StatusView& v) {
  Section(out, "Missed heartbeats");
  if (v.missed_since.empty()) None(out);
  for (const MissedHeartbeat& h : v.missed_since) {
    absl::StrAppend(out, "- expected ", T(h.expected_at), ", recorded ", T(h.at), " (", Dur(h.gap_seconds),
                    " late, #", h.seq, ")\n");
  }
  Section(out, "Anomalies");
  if (v.anomalies.empty()) None(out);
  for (const Finding& f : v.anomalies) {
    absl::StrAppend(out, "- #", f.seq, " ", T(f.at), " ", E(f.task), " ", EventTypeName(f.type), ": ",
                    E(f.detail), "\n");
  }
  Section(out, "Drift");
  if (v.drift.empty()) None(out);
  for (const Finding& f : v.drift) {
    absl::StrAppend(out, "- #", f.seq, " ", T(f.at), " ", E(f.task.empty() ? "project" : f.task), ": ",
                    E(f.detail), "\n");
  }
}

void InspectionsSection(std::string* out, const StatusView& v) {
  Section(out, "Latest inspections");
  if (v.inspections.empty()) None(out);
  if (!v.inspections.empty()) {
    absl::StrAppend(out,
                    "| task | at | head | branch matches | worktree | dirty | forbidden touched | reviewable "
                    "| problems |\n"
                    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
  }
  for (const auto& [task, i] : v.inspections) {
    absl::StrAppend(
        out, "| ", E(task), " | ", T(i.at), " | ", E(i.head.substr(0, 10)), " | ", YesNo(i.branch_matches),
        i.branch_matches ? "" : " (" + E(i.branch) + ")", " | ", i.worktree_exists ? "exists" : "**missing**",
        " | ", i.dirty.empty() ? "clean" : absl::StrCat("**", i.dirty.size(), " dirty**"), " | ",
        i.forbidden_touched.empty() ? "none"
                                    : absl::StrCat("**", E(absl::StrJoin(i.forbidden_touched, ", ")), "**"),
        " | ", YesNo(i.reviewable), " | ", E(absl::StrJoin(i.problems, "; ")), " |\n");
  }
}

void TasksSection(std::string* out, const StatusView& v) {
  Section(out, "Tasks");
  if (v.tasks.empty()) None(out);
  if (!v.tasks.empty()) {
    absl::StrAppend(out,
                    "| task | state | in state | age | branch | evidence | title |\n"
                    "| --- | --- | --- | --- | --- | --- | --- |\n");
  }
  for (const TaskRow& r : v.tasks) {
    absl::StrAppend(out, "| ", E(r.id), " | ", E(r.state), r.anomalies > 0 ? " ⚠" : "", " | ",
                    Dur(r.in_state_seconds), " | ", Dur(r.age_seconds), " | ", E(r.branch), " | ",
                    E(r.evidence), OverrideNote(r), " | ", E(r.title), " |\n");
  }
  if (v.tasks_hidden > 0) absl::StrAppend(out, "\n", v.tasks_hidden, " more finished task(s) not shown.\n");
}

void TimelineSection(std::string* out, const StatusView& v) {
  Section(out, "Timeline");
  if (v.timeline.empty()) None(out);
  if (!v.timeline.empty())
    absl::StrAppend(out, "| at | # | task | event | detail |\n| --- | --- | --- | --- | --- |\n");
  for (const RecentEvent& r : v.timeline) {
    std::string detail = E(r.summary);
    if (!r.note.empty()) absl::StrAppend(&detail, detail.empty() ? "" : " — ", "“", E(r.note), "”");
    if (r.claim != schema::Claim::reported)
      absl::StrAppend(&detail, " [", schema::EnumNameClaim(r.claim), "]");
    if (!r.anomaly.empty()) absl::StrAppend(&detail, " **anomaly: ", E(r.anomaly), "**");
    absl::StrAppend(out, "| ", T(r.at), " | ", r.seq, " | ", E(r.task), " | ", EventTypeName(r.type), " | ",
                    detail, " |\n");
  }
}

}  // namespace

std::string RenderStatusMarkdown(const StatusView& v) {
  std::string out = "# orch status\n\n";
  absl::StrAppend(&out, "At ", T(v.now), " (log up to #", v.head_seq, "); \"since\" means since ", T(v.since),
                  ".\n");
  // The page: its sections, in order.
  for (SectionWriter section :
       {NextActionSection, GlanceSection, LaneSection, ExternalReviewsSection, QueueSections, SinceSections,
        FindingSections, InspectionsSection, TasksSection, TimelineSection}) {
    section(&out, v);
  }
  return out;
}

}  // namespace orch

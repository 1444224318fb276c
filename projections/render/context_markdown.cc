#include "projections/render/context_markdown.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/time_text.h"
#include "projections/next_action.h"
#include "projections/render/status_markdown.h"
#include "projections/task_rules.h"

namespace orch {

namespace {

using S = TaskState;
// Longest value (title, reason, branch) shown, in bytes before escaping.
constexpr size_t kClip = 80;
constexpr size_t kRiskLines = 6;

// The first `max` bytes of `text` on a UTF-8 boundary, "…" when cut.
std::string Clip(const std::string& text, size_t max = kClip) {
  if (text.size() <= max) return text;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n) + "…";
}

std::string E(const std::string& text, size_t max = kClip) { return MarkdownEscape(Clip(text, max)); }

// Open: not finished with (cleaned, abandoned) and, once pushed, only
// while something is left to clean.
bool Open(const TaskModel& t) {
  switch (t.facts.state) {
    case S::kCleaned:
    case S::kAbandoned:
    case S::kUnknown:
      return false;
    case S::kPendingSetup:
    case S::kActive:
    case S::kCompletedUnreviewed:
    case S::kReviewing:
    case S::kAccepted:
    case S::kMerged:
    case S::kPushed:
    case S::kRejected:
    case S::kBlocked:
    case S::kStaleNeedsInspection:
    case S::kCleanupNeeded:
      return true;
  }
  return true;
}

// Most urgent first: what blocks the loop, then reviews, then work.
int Urgency(S s) {
  switch (s) {
    case S::kStaleNeedsInspection:
    case S::kBlocked:
      return 0;
    case S::kCompletedUnreviewed:
    case S::kReviewing:
      return 1;
    case S::kAccepted:
    case S::kMerged:
    case S::kPushed:
    case S::kRejected:
    case S::kCleanupNeeded:
      return 2;
    case S::kUnknown:
    case S::kPendingSetup:
    case S::kActive:
    case S::kCleaned:
    case S::kAbandoned:
      return 3;
  }
  return 3;
}

std::string Ago(int64_t at, int64_t now) {
  if (at == 0 || now < at) return "";
  return FormatDurationShort((now - at) / kNs);
}

void SettingsSection(std::string* out, const ProjectModel& m, int64_t now) {
  absl::StrAppend(out, "## Settings\n- integration branch ", E(m.settings.default_branch), ", remote ",
                  E(m.settings.remote), ", push policy ", E(m.settings.push_policy), ", at most ",
                  m.settings.max_concurrency, " worker(s)\n- run mode ", E(m.run_mode),
                  m.run_mode_reason.empty() ? "" : " (" + E(m.run_mode_reason) + ")",
                  "; heartbeat missed after ", FormatDurationShort(m.missed_after_seconds), ", stale after ",
                  FormatDurationShort(m.stale_after_seconds), ", watch every ",
                  FormatDurationShort(m.watch_every_seconds), "\n");
  if (m.last_heartbeat_at != 0) {
    absl::StrAppend(out, "- last heartbeat ", FormatRfc3339(m.last_heartbeat_at), " (",
                    Ago(m.last_heartbeat_at, now), " ago)",
                    m.next_heartbeat_at != 0 ? ", next due " + FormatRfc3339(m.next_heartbeat_at) : "", "\n");
  }
}

void LaneSection(std::string* out, const ProjectModel& m) {
  const PackageModel* lane = m.current_lane.empty() ? nullptr : m.FindPackage(m.current_lane);
  absl::StrAppend(out, "\n## Lane\n");
  if (lane == nullptr) {
    absl::StrAppend(out, "- none open\n");
  } else {
    absl::StrAppend(out, "- ", E(lane->id, 40), " ", E(lane->title), " (",
                    E(std::string(LaneStatusName(lane->status))),
                    lane->reason.empty() ? "" : ": " + E(lane->reason), ")\n");
  }
}

// The open tasks, most urgent first.
std::vector<const TaskModel*> OpenTasks(const ProjectModel& m) {
  std::vector<const TaskModel*> open;
  for (const TaskModel& t : m.tasks) {
    if (Open(t)) open.push_back(&t);
  }
  std::stable_sort(open.begin(), open.end(), [](const TaskModel* a, const TaskModel* b) {
    return Urgency(a->facts.state) < Urgency(b->facts.state);
  });
  return open;
}

void OpenTasksSection(std::string* out, const ProjectModel& m, const std::vector<const TaskModel*>& open,
                      int64_t now) {
  absl::StrAppend(out, "\n## Open tasks (", open.size(), ")\n");
  for (size_t i = 0; i < open.size() && i < kContextTaskLines; ++i) {
    const TaskModel& t = *open[i];
    absl::StrAppend(out, "- ", E(t.id, 40), " ", TaskStateName(t.facts.state), " ", Ago(t.state_since, now),
                    t.facts.branch.empty() ? "" : " · " + E(t.facts.branch, 48), " · waits for ",
                    E(NextStepFor(t, m).waits_for), t.dirt.empty() ? "" : " · uncommitted changes", "\n");
  }
  if (open.size() > kContextTaskLines) {
    absl::StrAppend(out, "- and ", open.size() - kContextTaskLines, " more (orch status)\n");
  }
}

// Overruns, dirt, missed wake-ups and anomalies, then who needs a human.
void RisksSection(std::string* out, const ProjectModel& m, const std::vector<const TaskModel*>& open,
                  int64_t now) {
  std::vector<std::string> risks;
  for (const std::string& s : StaleOrOverBudget(m, now)) risks.push_back(E(s, 120));
  if (m.integration_dirty) risks.push_back("integration checkout dirty: " + E(m.integration_dirt));
  const size_t unacked = UnacknowledgedMissed(m).size();
  if (unacked > 0) risks.push_back(absl::StrCat(unacked, " missed wake-up(s) with no heartbeat since"));
  if (m.anomalies_total > 0) risks.push_back(absl::StrCat(m.anomalies_total, " anomaly(ies) in the log"));
  for (const TaskModel* t : open) {
    if (risks.size() >= kRiskLines) break;
    for (const std::string& why : NeedsHumanReasons(*t)) {
      risks.push_back(absl::StrCat(E(t->id, 40), " needs a human: ", E(why)));
    }
  }
  absl::StrAppend(out, "\n## Open risks\n");
  if (risks.empty()) absl::StrAppend(out, "- none known\n");
  for (size_t i = 0; i < risks.size() && i < kRiskLines; ++i) absl::StrAppend(out, "- ", risks[i], "\n");
  if (risks.size() > kRiskLines) absl::StrAppend(out, "- and ", risks.size() - kRiskLines, " more\n");
}

void NextActionSection(std::string* out, const ProjectModel& m, int64_t now) {
  const NextAction n = DecideNextAction(m, now);
  absl::StrAppend(out, "\n## Next action\n**", n.action, "** (", n.rule, "): ", E(n.reason, 300), "\n");
  for (size_t i = 0; i < n.also.size() && i < 3; ++i) absl::StrAppend(out, "- also: ", E(n.also[i]), "\n");
}

// Where to look next, and the self-review of the first task waiting for one.
void ReadFirstSection(std::string* out, const std::vector<const TaskModel*>& open) {
  absl::StrAppend(
      out,
      "\n## Read first\n- `orch next` and `orch status` (what needs a human)\n"
      "- `orch replay --since 2h` (what happened lately)\n- docs/SKILL.md (how to emit each step)\n");
  for (const TaskModel* t : open) {
    if (t->facts.state == S::kCompletedUnreviewed && !t->facts.self_review_path.empty()) {
      absl::StrAppend(out, "- the self-review of ", E(t->id, 40), ": ", E(t->facts.self_review_path), "\n");
      break;
    }
  }
}

}  // namespace

std::string RenderContextMarkdown(const ProjectModel& m, int64_t now) {
  std::string out = absl::StrCat("# orch context (", FormatRfc3339(now), ", log head #", m.head_seq, ")\n\n");
  SettingsSection(&out, m, now);
  LaneSection(&out, m);
  const std::vector<const TaskModel*> open = OpenTasks(m);
  OpenTasksSection(&out, m, open, now);
  RisksSection(&out, m, open, now);
  NextActionSection(&out, m, now);
  ReadFirstSection(&out, open);
  // The sections are bounded line by line; this is the last guard.
  if (out.size() > kContextMaxBytes) {
    size_t cut = out.rfind('\n', kContextMaxBytes - 20);
    out = out.substr(0, cut == std::string::npos ? 0 : cut + 1) + "(cut)\n";
  }
  return out;
}

}  // namespace orch

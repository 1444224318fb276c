#include "projections/watchdog.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/time_text.h"
#include "projections/task_rules.h"

namespace orch {

namespace {

using S = TaskState;

int64_t Secs(int64_t from, int64_t to) { return from == 0 || to < from ? 0 : (to - from) / kNs; }

// The wake-ups expected after a heartbeat at `beat_at` announcing `first`,
// every `cadence` ns, that were missed before `until` (the next heartbeat,
// or now when none came): those whose grace ran out before it.
void MissedOfChain(int64_t beat_at, int64_t first, int64_t cadence, int64_t until, int64_t grace,
                   int64_t recorded_through, size_t limit, std::vector<MissedWakeUp>* out) {
  if (cadence <= 0 || first <= beat_at) return;
  const int64_t g = std::min(cadence, grace);
  // Skip what is already recorded without walking it.
  int64_t k = 0;
  if (recorded_through >= first) k = (recorded_through - first) / cadence + 1;
  for (int64_t e = first + k * cadence; e + g <= until && out->size() < limit; e += cadence) {
    out->push_back(MissedWakeUp{e, (e - beat_at) / kNs, MissedKey(e)});
  }
}

bool Recorded(const TaskModel& t, const std::string& key) {
  return std::find(t.stalls.begin(), t.stalls.end(), key) != t.stalls.end();
}

std::string Suggest(const TaskModel& t, const WorktreeProgress* p) {
  if (t.facts.state == S::kPendingSetup) return "abandon or re-dispatch: setup never finished";
  if (p == nullptr || !p->known) return "inspect it: the watchdog could not read its worktree";
  if (!p->worktree_exists) return "inspect it: its worktree is missing; then abandon or re-dispatch";
  if (p->dirty) return kSuggestNudge;
  if (p->commits_beyond_base > 0) return kSuggestReview;
  return kSuggestAbandon;
}

}  // namespace

WatchSettings SettingsOf(const ProjectModel& m) {
  WatchSettings s;
  s.missed_after_seconds = m.missed_after_seconds;
  s.stale_after_seconds = m.stale_after_seconds;
  s.every_seconds = m.watch_every_seconds;
  return s;
}

std::string MissedKey(int64_t expected_at) { return absl::StrCat("watch:missed:", expected_at); }

std::string StallKey(const std::string& task, const std::string& reason, int64_t anchor_ns) {
  return absl::StrCat("watch:stale:", task, ":", reason, ":", anchor_ns);
}

std::vector<MissedWakeUp> FindMissedWakeUps(const ProjectModel& m, int64_t now, int64_t missed_after_seconds,
                                            size_t limit) {
  const int64_t grace = std::max(missed_after_seconds, kMinGraceSeconds) * kNs;
  std::vector<MissedWakeUp> out;
  // Holes the loop closed (oldest first), then the wait still open.
  for (const HeartbeatHole& h : m.holes) {
    MissedOfChain(h.beat_at, h.first_expected_at, h.cadence_seconds * kNs, std::min(h.closed_at, now), grace,
                  m.missed_through, limit, &out);
  }
  if (m.last_heartbeat_at != 0 && m.next_heartbeat_at > m.last_heartbeat_at) {
    MissedOfChain(m.last_heartbeat_at, m.next_heartbeat_at, m.next_heartbeat_at - m.last_heartbeat_at, now,
                  grace, m.missed_through, limit, &out);
  }
  return out;
}

std::vector<StallFinding> FindStalls(const ProjectModel& m,
                                     const std::map<std::string, WorktreeProgress>& progress, int64_t now,
                                     int64_t stale_after_seconds) {
  std::vector<StallFinding> out;
  for (const TaskModel& t : m.tasks) {
    const S s = t.facts.state;
    const auto it = progress.find(t.id);
    const WorktreeProgress* p = it == progress.end() ? nullptr : &it->second;
    StallFinding f;
    f.task = t.id;
    if (IsInFlight(s)) {
      int64_t last = std::max(t.progress_at, t.dispatched_at);
      if (p != nullptr) last = std::max({last, p->last_commit_at, p->last_change_at});
      f.last_progress_at = last;
      f.idle_seconds = Secs(last, now);
      const int64_t ran = Secs(t.dispatched_at, now);
      if (t.budget.runtime_minutes > 0 && ran > t.budget.runtime_minutes * 60) {
        f.reason = "runtime-budget";
        f.key = StallKey(t.id, f.reason, t.dispatched_at);
        f.detail = absl::StrCat("running ", FormatDurationShort(ran), ", past its ",
                                FormatDurationShort(t.budget.runtime_minutes * 60), " runtime budget; idle ",
                                FormatDurationShort(f.idle_seconds));
      } else if (last != 0 && f.idle_seconds > stale_after_seconds) {
        f.reason = "idle";
        f.key = StallKey(t.id, f.reason, last);
        f.detail =
            absl::StrCat("no event, commit or worktree change for ", FormatDurationShort(f.idle_seconds),
                         " (allowance ", FormatDurationShort(stale_after_seconds), ")");
      } else {
        continue;
      }
      f.suggested_action = Suggest(t, p);
      if (p != nullptr && p->dirty && !p->dirt.empty()) absl::StrAppend(&f.detail, "; ", p->dirt);
    } else if (s == S::kCompletedUnreviewed || s == S::kReviewing) {
      const int64_t ready = t.ready_at != 0 ? t.ready_at : t.state_since;
      const int64_t waited = Secs(ready, now);
      if (t.budget.review_minutes <= 0 || waited <= t.budget.review_minutes * 60) continue;
      f.reason = "review-budget";
      f.last_progress_at = std::max(t.progress_at, ready);
      f.idle_seconds = Secs(f.last_progress_at, now);
      f.key = StallKey(t.id, f.reason, ready);
      f.suggested_action = kSuggestReviewNow;
      f.detail = absl::StrCat("waiting for review ", FormatDurationShort(waited), ", past its ",
                              FormatDurationShort(t.budget.review_minutes * 60), " review budget");
    } else {
      continue;
    }
    f.recorded = Recorded(t, f.key);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace orch

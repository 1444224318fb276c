// orch watch: the watchdog. Records the wake-ups the loop missed and the
// workers and reviews that are stuck (projections/watchdog.h judges;
// git/watch_checks.h reads the worktrees and builds the events), once
// (--once) or every --every until SIGINT/SIGTERM.
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "base/time_text.h"
#include "commands/append_event.h"
#include "commands/projection_common.h"
#include "commands/stop_signal.h"
#include "commands/verbs.h"
#include "commands/watch_notify.h"
#include "eventstore/atomic_file.h"
#include "git/watch_checks.h"
#include "nlohmann/json.hpp"
#include "projections/lifecycle_guard.h"

namespace orch {

namespace {

// How often a sleeping watchdog looks at the stop flag.
constexpr int64_t kStopPollMicros = 100'000;

struct WatchOptions {
  bool once = false;
  std::string every, missed_after, stale_after;
  bool check_only = false;
  std::string notify;
  bool json = false;
  std::string repo;
};

// A flag's duration in seconds, at least `min_seconds`; nullopt when not given.
absl::StatusOr<std::optional<int64_t>> DurationFlag(const std::string& flag, const std::string& text,
                                                    int64_t min_seconds) {
  if (text.empty()) return std::optional<int64_t>();
  auto s = ParseDurationSeconds(text);
  if (!s.ok())
    return absl::InvalidArgumentError(absl::StrCat("bad ", flag, " '", text, "': ", s.status().message()));
  if (*s < min_seconds) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad ", flag, " '", text, "': must be at least ", FormatDurationShort(min_seconds)));
  }
  return std::optional<int64_t>(*s);
}

struct Flagged {
  std::optional<int64_t> every, missed_after, stale_after;
};

// What one pass found and appended.
struct PassResult {
  git::WatchChecks checks;
  std::vector<nlohmann::json> findings;  // every finding, with "new"
  std::vector<nlohmann::json> fresh;     // the new ones (appended, or would be with --check-only)
  size_t appended = 0;
};

nlohmann::json MissedJson(const MissedWakeUp& m) {
  return {{"kind", "heartbeat-missed"},
          {"expected_at", FormatRfc3339(m.expected_at)},
          {"gap_seconds", m.gap_seconds},
          {"suggested_action", "record a heartbeat, then look at what ran while the loop slept"}};
}

nlohmann::json StallJson(const StallFinding& s) {
  return {{"kind", "stale-detected"},
          {"task", s.task},
          {"reason", s.reason},
          {"idle_seconds", s.idle_seconds},
          {"last_progress_at", s.last_progress_at == 0 ? "" : FormatRfc3339(s.last_progress_at)},
          {"suggested_action", s.suggested_action},
          {"detail", s.detail}};
}

nlohmann::json GitFindingJson(const git::Finding& f) {
  nlohmann::json j = {{"kind", f.kind}, {"log_says", f.log_says}, {"git_shows", f.git_shows}};
  if (!f.task.empty()) j["task"] = f.task;
  return j;
}

std::string RootHint(const ProjectModel& m, const std::string& repo_flag) {
  if (!repo_flag.empty()) return repo_flag;
  if (!m.settings.project_root.empty()) return m.settings.project_root;
  auto top = git::GitRepo::DiscoverMainTopLevel(std::filesystem::current_path().string());
  return top.ok() ? *top : "";
}

absl::StatusOr<PassResult> WatchPass(const WatchOptions& o, const Flagged& flags, CommandContext& ctx) {
  // Fold and read git without holding the store: emitters are not kept
  // waiting while worktrees are read.
  ORCH_ASSIGN_OR_RETURN(LoadedProjection p, LoadProjection(ProjectionFlags{}, ctx, /*task_details=*/false));
  WatchSettings settings = SettingsOf(p.model);
  if (flags.every) settings.every_seconds = *flags.every;
  if (flags.missed_after) settings.missed_after_seconds = *flags.missed_after;
  if (flags.stale_after) settings.stale_after_seconds = *flags.stale_after;
  std::error_code ec;
  PassResult r;
  r.checks = git::RunWatchChecks(p.model, p.now, settings, o.repo, std::filesystem::current_path(ec).string(),
                                 StoreInsideCheckout(ctx, RootHint(p.model, o.repo)));
  const git::WatchChecks& c = r.checks;
  // In batch order (git::WatchBatch), with the number of events each adds.
  std::vector<nlohmann::json> candidates;
  std::vector<size_t> events;
  const auto add = [&](nlohmann::json j, size_t n) {
    candidates.push_back(std::move(j));
    events.push_back(n);
  };
  for (const MissedWakeUp& m : c.missed) add(MissedJson(m), 1);
  for (const StallFinding& s : c.stalls) {
    if (!s.recorded) add(StallJson(s), 1);
  }
  if (c.integration.has_value()) add(GitFindingJson(*c.integration), c.integration->events.size());
  for (const git::Finding& f : c.setups) add(GitFindingJson(f), f.events.size());

  std::vector<bool> is_new(candidates.size(), true);
  if (!o.check_only && !candidates.empty()) {
    ORCH_ASSIGN_OR_RETURN(std::vector<AppendRequest> batch, git::WatchBatch(*ctx.schema, c));
    ORCH_ASSIGN_OR_RETURN(auto store, OpenStoreForWrite(ctx));
    ORCH_ASSIGN_OR_RETURN(std::vector<AppendResult> results, AppendChecked(ctx, *store, std::move(batch)));
    // A finding's first event is its own: new unless it was already recorded.
    size_t at = 0;
    for (size_t i = 0; i < candidates.size(); at += events[i], ++i) {
      if (events[i] == 0 || at >= results.size()) {
        is_new[i] = false;
        continue;
      }
      is_new[i] = !results[at].duplicate;
      if (is_new[i]) candidates[i]["seq"] = results[at].seq;
    }
    for (const AppendResult& a : results) r.appended += a.duplicate ? 0 : 1;
  }
  for (size_t i = 0; i < candidates.size(); ++i) {
    candidates[i]["new"] = static_cast<bool>(is_new[i]);
    if (is_new[i]) r.fresh.push_back(candidates[i]);
    r.findings.push_back(candidates[i]);
  }
  for (const StallFinding& s : c.stalls) {
    if (!s.recorded) continue;
    nlohmann::json j = StallJson(s);
    j["new"] = false;
    r.findings.push_back(std::move(j));
  }
  return r;
}

// Where `orch health` learns when the watchdog last recorded: a small file
// in the store directory, outside the log (a run that finds nothing
// appends nothing).
absl::Status WriteRunMarker(const CommandContext& ctx, int64_t now) {
  ORCH_ASSIGN_OR_RETURN(std::string dir, ResolveStoreDir(ctx));
  nlohmann::json j = {{"at", FormatRfc3339(now)}, {"time_ns", now}};
  return WriteFileAtomically(*ctx.env, absl::StrCat(dir, "/", kWatchdogRunFile), j.dump() + "\n");
}

void Report(const WatchOptions& o, const PassResult& r, std::ostream& out) {
  const git::WatchChecks& c = r.checks;
  if (o.json) {
    nlohmann::json j = {{"now", FormatRfc3339(c.now)},
                        {"check_only", o.check_only},
                        {"settings",
                         {{"every_seconds", c.settings.every_seconds},
                          {"missed_after_seconds", c.settings.missed_after_seconds},
                          {"stale_after_seconds", c.settings.stale_after_seconds}}},
                        {"findings", r.findings},
                        {"appended", r.appended},
                        {"git_problem", c.git_problem}};
    out << j.dump() << "\n";
    out.flush();
    return;
  }
  const auto S = [](absl::string_view s) { return EscapeForDisplay(s); };
  out << "watch " << FormatRfc3339(c.now) << ": " << r.fresh.size() << " new finding(s)"
      << (o.check_only ? " (check only: nothing recorded)"
                       : absl::StrCat(", ", r.appended, " event(s) appended"))
      << "\n";
  for (const nlohmann::json& f : r.findings) {
    const std::string kind = f["kind"];
    out << "  " << (f["new"].get<bool>() ? "new " : "seen ");
    if (kind == "heartbeat-missed") {
      out << "missed wake-up expected " << f["expected_at"].get<std::string>() << " (silent "
          << FormatDurationShort(f["gap_seconds"].get<int64_t>()) << ")\n";
    } else if (kind == "stale-detected") {
      out << S(f["task"].get<std::string>()) << " " << f["reason"].get<std::string>() << ": "
          << S(f["detail"].get<std::string>()) << "\n      -> " << S(f["suggested_action"].get<std::string>())
          << "\n";
    } else {
      if (f.contains("task")) out << S(f["task"].get<std::string>()) << " ";
      out << kind << ": " << S(f["git_shows"].get<std::string>()) << "\n";
    }
  }
  if (!c.git_problem.empty()) out << "  git not read: " << S(c.git_problem) << "\n";
  out.flush();
}

absl::Status RunWatch(const WatchOptions& o, CommandContext& ctx) {
  Flagged flags;
  ORCH_ASSIGN_OR_RETURN(flags.every, DurationFlag("--every", o.every, 1));
  ORCH_ASSIGN_OR_RETURN(flags.missed_after, DurationFlag("--missed-after", o.missed_after, kMinGraceSeconds));
  ORCH_ASSIGN_OR_RETURN(flags.stale_after, DurationFlag("--stale-after", o.stale_after, 60));
  // A signal during a pass lets it finish (its batch is appended whole or
  // not at all); the loop then ends with exit 0.
  const StopSignal stop;
  while (true) {
    ORCH_ASSIGN_OR_RETURN(PassResult r, WatchPass(o, flags, ctx));
    if (!o.check_only) {
      if (absl::Status s = WriteRunMarker(ctx, r.checks.now); !s.ok()) {
        *ctx.err << "orch: warning: " << EscapeForDisplay(s.message()) << "\n";
      }
    }
    Report(o, r, *ctx.out);
    if (!o.notify.empty()) {
      for (const nlohmann::json& f : r.fresh) {
        if (absl::Status s = RunNotifyCommand(o.notify, f.dump() + "\n"); !s.ok()) {
          *ctx.err << "orch: warning: " << EscapeForDisplay(s.message()) << "\n";
        }
      }
    }
    if (o.once || stop.requested()) break;
    const int64_t every_micros = r.checks.settings.every_seconds * 1'000'000;
    for (int64_t slept = 0; slept < every_micros && !stop.requested(); slept += kStopPollMicros) {
      ctx.env->SleepForMicros(std::min(kStopPollMicros, every_micros - slept));
    }
    if (stop.requested()) break;
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterWatch(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<WatchOptions> o;
  CLI::App* sub = AddVerb(app, "watch", "Record missed wake-ups and stuck workers and reviews (the watchdog)",
                          ctx, RunWatch, &o);
  sub->add_flag("--once", o->once, "One pass, then exit (for cron and systemd timers)");
  sub->add_option("--every", o->every,
                  "Time between passes without --once (default: the project's setting, 5m)");
  sub->add_option("--missed-after", o->missed_after,
                  "Grace before a wake-up counts as missed (default: setting, 15m; at least 1m)");
  sub->add_option("--stale-after", o->stale_after,
                  "A worker without progress this long is stale (default: setting, 30m)");
  sub->add_flag("--check-only", o->check_only, "Report; append nothing");
  sub->add_option("--notify", o->notify,
                  "Run this shell command once per new finding, with the finding as JSON on stdin");
  sub->add_flag("--json", o->json, "One JSON report per pass");
  sub->add_option("--repo", o->repo, "Repository top level (default: the recorded project root, else cwd's)");
  sub->footer(
      "Examples:\n"
      "  orch watch --once                          one pass (cron: */5 * * * *)\n"
      "  orch watch --every 5m --notify 'notify-send orch \"$(cat)\"'\n"
      "  orch watch --once --check-only --json      what it would record\n"
      "Repeated passes over the same hole or stall append nothing new. SIGINT/SIGTERM end the loop\n"
      "after the pass in progress (exit 0). See docs/operations.md.");
}

}  // namespace orch

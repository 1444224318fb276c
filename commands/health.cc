// orch health: "can I walk away?" — the store verifies, the watchdog ran
// recently, no missed wake-up unacknowledged, no stale worker, no drift,
// the integration checkout clean, disk space for the store. Exit 0 ok, 1 a
// failure (and a warning with --fail-on-warning), for cron and CI.
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "base/time_text.h"
#include "commands/verbs.h"
#include "eventstore/verify_report.h"
#include "git/drift.h"
#include "git/repo_snapshot.h"
#include "git/task_git_facts.h"
#include "git/worktree_progress.h"
#include "nlohmann/json.hpp"
#include "projections/model_loader.h"
#include "projections/next_action.h"
#include "projections/watchdog.h"

namespace orch {

namespace {

constexpr uint64_t kMiB = 1 << 20;
// Free space under which appends are about to fail, and under which they
// soon will.
constexpr uint64_t kDiskFailBytes = 64 * kMiB;
constexpr uint64_t kDiskWarnBytes = 1024 * kMiB;
// The watchdog counts as running when its last recording pass is at most
// this many of its periods old.
constexpr int64_t kWatchPeriodsAllowed = 3;

struct HealthOptions {
  bool fail_on_warning = false;
  bool json = false;
  std::string repo;
};

enum class Level { kOk, kWarning, kFailure };

const char* LevelName(Level l) {
  switch (l) {
    case Level::kOk:
      return "ok";
    case Level::kWarning:
      return "warning";
    case Level::kFailure:
      return "failure";
  }
  return "failure";
}

struct Check {
  std::string name;
  Level level = Level::kOk;
  std::string detail;
};

Check Make(std::string name, Level level, std::string detail) {
  return Check{std::move(name), level, std::move(detail)};
}

Check StoreCheck(const EventStore& store) {
  auto report = store.Verify(nullptr);
  if (!report.ok()) return Make("store", Level::kFailure, std::string(report.status().message()));
  if (!report->intact()) {
    return Make("store", Level::kFailure,
                absl::StrCat("does not verify at seq ", report->first_bad_seq, ": ", report->problem));
  }
  return Make("store", Level::kOk, absl::StrCat(report->checked, " event(s) verified"));
}

Check WatchdogCheck(const std::string& store_dir, const ProjectModel& m, int64_t now) {
  std::ifstream in(absl::StrCat(store_dir, "/", kWatchdogRunFile));
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (!in || j.is_discarded() || !j.contains("time_ns") || !j["time_ns"].is_number_integer()) {
    return Make("watchdog", Level::kWarning,
                "orch watch has not recorded a pass: run `orch watch --once` from cron or a timer "
                "(docs/operations.md)");
  }
  const int64_t at = j["time_ns"].get<int64_t>();
  const int64_t age = now > at ? (now - at) / kNs : 0;
  const int64_t allowed = kWatchPeriodsAllowed * m.watch_every_seconds;
  if (age > allowed) {
    return Make(
        "watchdog", Level::kWarning,
        absl::StrCat("last pass ", FormatRfc3339(at), ", ", FormatDurationShort(age), " ago (more than ",
                     kWatchPeriodsAllowed, " x ", FormatDurationShort(m.watch_every_seconds), ")"));
  }
  return Make("watchdog", Level::kOk, absl::StrCat("last pass ", FormatDurationShort(age), " ago"));
}

Check HeartbeatCheck(const ProjectModel& m, int64_t now) {
  const std::vector<MissedHeartbeat> unacked = UnacknowledgedMissed(m);
  const std::vector<MissedWakeUp> pending = FindMissedWakeUps(m, now, m.missed_after_seconds);
  const int64_t overdue = HeartbeatOverdueSeconds(m, now);
  if (!unacked.empty()) {
    return Make("heartbeat", Level::kFailure,
                absl::StrCat(unacked.size(), " missed wake-up(s) with no heartbeat since (first expected ",
                             FormatRfc3339(unacked.front().expected_at), ")"));
  }
  if (!pending.empty() || overdue > m.missed_after_seconds) {
    return Make("heartbeat", Level::kFailure,
                absl::StrCat("the loop is asleep: no heartbeat since ", FormatRfc3339(m.last_heartbeat_at),
                             ", the next was due ", FormatDurationShort(overdue), " ago"));
  }
  if (m.last_heartbeat_at == 0) return Make("heartbeat", Level::kOk, "no heartbeat recorded: none expected");
  return Make("heartbeat", Level::kOk, absl::StrCat("last ", FormatRfc3339(m.last_heartbeat_at)));
}

Check WorkersCheck(const ProjectModel& m, int64_t now) {
  const std::vector<std::string> problems = StaleOrOverBudget(m, now);
  if (problems.empty()) return Make("workers", Level::kOk, "no stale or over-budget worker or review");
  std::vector<std::string> shown(problems.begin(), problems.begin() + std::min<size_t>(3, problems.size()));
  std::string detail = absl::StrJoin(shown, "; ");
  if (problems.size() > shown.size())
    absl::StrAppend(&detail, "; and ", problems.size() - shown.size(), " more");
  return Make("workers", Level::kWarning, detail);
}

// Steps recorded although a rule refused them (--observed, or found so by
// a later rule): each names the rule it broke ("... [slots-full]"). A
// warning: the loop went past its own discipline at least once.
Check AnomaliesCheck(const ProjectModel& m) {
  if (m.anomalies_total == 0) return Make("anomalies", Level::kOk, "no step broke a rule");
  std::vector<std::string> newest;
  for (auto it = m.anomalies.rbegin(); it != m.anomalies.rend() && newest.size() < 3; ++it) {
    newest.push_back(absl::StrCat("#", it->seq, it->task.empty() ? "" : " " + it->task, ": ", it->detail));
  }
  std::string detail = absl::StrCat(
      m.anomalies_total, " step(s) recorded against a rule; newest: ", absl::StrJoin(newest, "; "));
  return Make("anomalies", Level::kWarning, detail);
}

// Drift not recorded yet and the integration checkout, read from git.
void GitChecks(const CommandContext& ctx, const EventStore& store, const std::string& repo_flag,
               std::vector<Check>* out) {
  auto facts = git::LoadGitFacts(store);
  if (!facts.ok()) {
    out->push_back(Make("repository", Level::kWarning, std::string(facts.status().message())));
    return;
  }
  std::error_code ec;
  auto project = git::OpenProjectRepo(facts->project, repo_flag, std::filesystem::current_path(ec).string());
  if (!project.ok()) {
    out->push_back(
        Make("repository", Level::kWarning, absl::StrCat("not read: ", project.status().message())));
    return;
  }
  auto snapshot = git::TakeSnapshot(*project->repo, project->integration_branch, project->remote,
                                    StoreInsideCheckout(ctx, project->repo->workdir()));
  if (!snapshot.ok()) {
    out->push_back(Make("repository", Level::kWarning, std::string(snapshot.status().message())));
    return;
  }
  const git::WorkStatus ws = snapshot->checkout_status;
  auto observation = git::Observe(*project->repo, *facts, *std::move(snapshot));
  if (!observation.ok()) {
    out->push_back(Make("drift", Level::kWarning, std::string(observation.status().message())));
  } else {
    std::vector<std::string> open;
    for (const git::Finding& f : observation->findings) {
      if (!f.recorded) open.push_back(absl::StrCat(f.task.empty() ? "(project)" : f.task, " ", f.kind));
    }
    if (open.empty()) {
      out->push_back(
          Make("drift", Level::kOk, "the log and the repository agree (or the drift is recorded)"));
    } else {
      out->push_back(Make("drift", Level::kWarning,
                          absl::StrCat(open.size(), " drift finding(s) not recorded (",
                                       absl::StrJoin(open, ", "), "): orch observe --reconcile")));
    }
  }
  if (ws.clean()) {
    out->push_back(Make("integration checkout", Level::kOk, "clean"));
  } else {
    out->push_back(Make("integration checkout", Level::kWarning, absl::StrCat("dirty: ", git::DirtText(ws))));
  }
}

Check DiskCheck(Env& env, const std::string& store_dir) {
  auto free_space = env.FreeSpace(store_dir);
  if (!free_space.ok()) {
    return Make("disk", Level::kWarning, absl::StrCat("free space unknown: ", free_space.status().message()));
  }
  const uint64_t free_bytes = *free_space;
  const std::string text = absl::StrCat(free_bytes / kMiB, " MiB free for the store");
  if (free_bytes < kDiskFailBytes) return Make("disk", Level::kFailure, text);
  if (free_bytes < kDiskWarnBytes) return Make("disk", Level::kWarning, text);
  return Make("disk", Level::kOk, text);
}

absl::Status RunHealth(const HealthOptions& o, CommandContext& ctx) {
  std::vector<Check> checks;
  const int64_t now = ctx.env->NowNanos();
  ORCH_ASSIGN_OR_RETURN(std::string dir, ResolveStoreDir(ctx));
  auto store = OpenStoreForRead(ctx);
  if (!store.ok()) {
    checks.push_back(Make("store", Level::kFailure, std::string(store.status().message())));
  } else {
    checks.push_back(StoreCheck(**store));
    auto model = LoadProjectModel(**store, LoadOptions{});
    if (!model.ok()) {
      checks.push_back(Make("projections", Level::kFailure, std::string(model.status().message())));
    } else {
      checks.push_back(WatchdogCheck(dir, *model, now));
      checks.push_back(HeartbeatCheck(*model, now));
      checks.push_back(WorkersCheck(*model, now));
      checks.push_back(AnomaliesCheck(*model));
    }
    GitChecks(ctx, **store, o.repo, &checks);
  }
  checks.push_back(DiskCheck(*ctx.env, dir));

  size_t failures = 0, warnings = 0;
  for (const Check& c : checks) {
    failures += c.level == Level::kFailure;
    warnings += c.level == Level::kWarning;
  }
  const Level overall = failures > 0 ? Level::kFailure : warnings > 0 ? Level::kWarning : Level::kOk;
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const Check& c : checks)
      list.push_back({{"check", c.name}, {"status", LevelName(c.level)}, {"detail", c.detail}});
    *ctx.out << nlohmann::json(
                    {{"status", LevelName(overall)}, {"now", FormatRfc3339(now)}, {"checks", list}})
                    .dump()
             << "\n";
  } else {
    *ctx.out << "health: " << LevelName(overall) << " (" << failures << " failure(s), " << warnings
             << " warning(s))\n";
    for (const Check& c : checks) {
      *ctx.out << "  " << LevelName(c.level) << "  " << c.name << ": " << EscapeForDisplay(c.detail) << "\n";
    }
  }
  ctx.out->flush();
  if (failures > 0)
    return WithExitCode(absl::UnknownError(absl::StrCat("health: ", failures, " failure(s)")), 1);
  if (o.fail_on_warning && warnings > 0) {
    return WithExitCode(
        absl::UnknownError(absl::StrCat("health: ", warnings, " warning(s) (--fail-on-warning)")), 1);
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterHealth(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<HealthOptions> o;
  CLI::App* sub =
      AddVerb(app, "health",
              "Can I walk away? Store, watchdog, heartbeats, workers, anomalies, drift, checkout, disk", ctx,
              RunHealth, &o);
  sub->add_flag("--fail-on-warning", o->fail_on_warning, "Exit 1 on a warning too");
  sub->add_flag("--json", o->json, "Print {status, checks[]} as JSON");
  sub->add_option("--repo", o->repo, "Repository top level (default: the recorded project root, else cwd's)");
  sub->footer(
      "Examples:\n  orch health\n  orch health --fail-on-warning || notify-send 'orch: look at the loop'\n"
      "Exit codes: 0 ok (warnings allowed), 1 a failure (or a warning with --fail-on-warning).\n"
      "Read-only. See docs/operations.md.");
}

}  // namespace orch

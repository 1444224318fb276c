#include "git/watch_checks.h"

#include "base/status_macros.h"
#include "git/git_events.h"
#include "git/repo_snapshot.h"
#include "git/worktree_progress.h"

namespace orch::git {

namespace {

// The project as the git layer wants it, from the folded model.
ProjectGitFacts ProjectOf(const ProjectModel& m) {
  ProjectGitFacts p;
  p.settings = m.settings;
  p.integration_dirty = m.integration_dirty;
  p.integration_seq = m.integration_seq;
  p.integration_dirt = m.integration_dirt;
  return p;
}

absl::StatusOr<std::string> Build(EventSchema& schema, EventType type, const std::string& task,
                                  nlohmann::json payload, const std::string& key) {
  EventContent c = ToolEvent(type, task, kWatchdogActor, schema::Claim::inferred, std::move(payload));
  c.idempotency_key = key;
  return schema.BuildEvent(c);
}

}  // namespace

WatchChecks RunWatchChecks(const ProjectModel& model, int64_t now, const WatchSettings& settings,
                           const std::string& repo_dir, const std::string& cwd,
                           const std::vector<std::string>& skip_untracked) {
  WatchChecks c;
  c.now = now;
  c.settings = settings;
  c.missed = FindMissedWakeUps(model, now, settings.missed_after_seconds);
  std::map<std::string, WorktreeProgress> progress;
  const ProjectGitFacts project = ProjectOf(model);
  auto repo = OpenProjectRepo(project, repo_dir, cwd);
  if (!repo.ok()) {
    c.git_problem = std::string(repo.status().message());
  } else {
    progress = ReadInFlightProgress(*repo->repo, model, repo->integration_branch);
    auto snapshot = TakeSnapshot(*repo->repo, repo->integration_branch, repo->remote, skip_untracked);
    if (snapshot.ok()) {
      c.integration = IntegrationFinding(project, *snapshot);
      if (c.integration.has_value() && c.integration->recorded) c.integration.reset();
      std::vector<TaskGitFacts> pending;
      for (const TaskModel& t : model.tasks) {
        if (t.facts.state == TaskState::kPendingSetup)
          pending.push_back(TaskGitFacts{SpecOf(t.id, t.facts), t.facts, {}});
      }
      std::vector<const TaskGitFacts*> view;
      for (const TaskGitFacts& t : pending) view.push_back(&t);
      c.setups = CheckPendingSetups(view, *snapshot, SetupClockOf(model, now));
    } else {
      c.git_problem = std::string(snapshot.status().message());
    }
  }
  c.stalls = FindStalls(model, progress, now, settings.stale_after_seconds);
  return c;
}

absl::StatusOr<std::vector<AppendRequest>> WatchBatch(EventSchema& schema, const WatchChecks& c) {
  std::vector<AppendRequest> batch;
  for (const MissedWakeUp& m : c.missed) {
    AppendRequest r;
    ORCH_ASSIGN_OR_RETURN(r.event,
                          Build(schema, EventType::HeartbeatMissed, "",
                                {{"expected_at", m.expected_at}, {"gap_seconds", m.gap_seconds}}, m.key));
    batch.push_back(std::move(r));
  }
  for (const StallFinding& s : c.stalls) {
    if (s.recorded) continue;
    AppendRequest r;
    ORCH_ASSIGN_OR_RETURN(r.event, Build(schema, EventType::StaleDetected, s.task,
                                         {{"idle_seconds", s.idle_seconds},
                                          {"suggested_action", s.suggested_action},
                                          {"reason", s.reason},
                                          {"last_progress_at", s.last_progress_at}},
                                         s.key));
    batch.push_back(std::move(r));
  }
  std::vector<Finding> git_findings = c.setups;
  if (c.integration.has_value()) git_findings.insert(git_findings.begin(), *c.integration);
  ORCH_ASSIGN_OR_RETURN(std::vector<AppendRequest> drift, ReconcileBatch(schema, git_findings));
  for (AppendRequest& r : drift) batch.push_back(std::move(r));
  return batch;
}

}  // namespace orch::git

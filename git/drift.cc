#include "git/drift.h"

#include <algorithm>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "base/time_text.h"
#include "eventstore/event_writer.h"
#include "eventstore/sha256.h"
#include "git/git_events.h"
#include "git/worktree_progress.h"
#include "projections/task_rules.h"

namespace orch::git {

namespace {

using S = TaskState;

// Observe's threads: enough to overlap file-system latency on a small
// machine, few enough not to thrash it; none for a handful of tasks.
constexpr size_t kMaxThreads = 4;
constexpr size_t kMinTasksPerThread = 16;

bool In(S s, std::initializer_list<S> set) {
  for (S x : set) {
    if (x == s) return true;
  }
  return false;
}

bool DirExists(const std::string& path) {
  std::error_code ec;
  return !path.empty() && std::filesystem::is_directory(path, ec);
}

EventContent Observed(EventType type, const std::string& task, nlohmann::json payload) {
  return ToolEvent(type, task, kObserveActor, schema::Claim::observed, std::move(payload));
}

// Builds a finding; `recorded` is looked up in the drift the log holds.
Finding MakeFinding(const std::string& task, const std::string& kind, std::string log_says,
                    std::string git_shows, const std::set<std::string>& seen) {
  Finding f;
  f.task = task;
  f.kind = kind;
  f.log_says = std::move(log_says);
  f.git_shows = std::move(git_shows);
  f.recorded = seen.count(DriftKey(f.kind, f.git_shows)) > 0;
  if (!f.recorded) {
    f.events.push_back(Observed(EventType::DriftDetected, task,
                                {{"kind", f.kind}, {"log_says", f.log_says}, {"git_shows", f.git_shows}}));
  }
  return f;
}

std::string StateText(const TaskGitFacts& t) {
  return absl::StrCat("task is ", TaskStateName(t.facts.state));
}

const WorktreeEntry* RegisteredAt(const RepoSnapshot& repo, const std::string& path) {
  for (const WorktreeEntry& w : repo.worktrees) {
    if (w.path == path) return &w;
  }
  return nullptr;
}

// Cleaned tasks: is anything of them still there?
absl::Status CheckLeftBehind(const GitRepo& main, const RepoSnapshot& repo, const TaskGitFacts& t,
                             std::vector<Finding>* out) {
  std::vector<std::string> left;
  if (DirExists(t.spec.worktree)) {
    left.push_back(absl::StrCat("worktree ", t.spec.worktree, " still exists"));
  } else if (!t.spec.worktree.empty() && RegisteredAt(repo, t.spec.worktree) != nullptr) {
    left.push_back(absl::StrCat("worktree ", t.spec.worktree, " is still registered (git worktree prune)"));
  }
  ORCH_ASSIGN_OR_RETURN(std::optional<std::string> head, main.BranchHead(t.spec.branch));
  if (head.has_value())
    left.push_back(absl::StrCat("branch ", t.spec.branch, " still exists at ", ShortId(*head)));
  if (left.empty()) return absl::OkStatus();
  out->push_back(
      MakeFinding(t.spec.task, "left-behind", StateText(t), absl::StrJoin(left, "; "), t.drift_seen));
  return absl::OkStatus();
}

// A task's worktree against its state: missing where one is expected, or
// holding uncommitted work.
void CheckWorktree(const RepoSnapshot& repo, const TaskGitFacts& t, bool worktree_there,
                   std::vector<Finding>* out) {
  const S s = t.facts.state;
  const std::string& task = t.spec.task;
  const bool expects_worktree =
      In(s, {S::kActive, S::kStaleNeedsInspection, S::kCompletedUnreviewed, S::kReviewing, S::kAccepted});
  if (expects_worktree && !t.spec.worktree.empty() && !worktree_there) {
    std::string shows = absl::StrCat("no directory at ", t.spec.worktree);
    if (RegisteredAt(repo, t.spec.worktree) != nullptr) absl::StrAppend(&shows, " (still registered)");
    out->push_back(MakeFinding(task, "worktree-missing",
                               absl::StrCat(StateText(t), " with worktree ", t.spec.worktree), shows,
                               t.drift_seen));
  }

  // Work left uncommitted in an active or completed task's worktree.
  if (worktree_there && DirtCounts(s)) {
    auto wt = GitRepo::Open(t.spec.worktree);
    if (wt.ok()) {
      auto status = (*wt)->Status();
      if (status.ok() && !status->clean()) {
        out->push_back(MakeFinding(
            task, "worktree-dirty", absl::StrCat(StateText(t), "; its work committed"),
            absl::StrCat("uncommitted changes in ", t.spec.worktree, ": ", DirtText(*status)), t.drift_seen));
      }
    }
  }
}

// Merged into the integration branch without a merged event? `head` is
// the task branch's head, `base` its base; returns whether it is merged.
absl::StatusOr<bool> CheckMergedUnrecorded(const GitRepo& main, const RepoSnapshot& repo,
                                           const TaskGitFacts& t, const std::string& head,
                                           const std::string& base, std::vector<Finding>* out) {
  const S s = t.facts.state;
  const std::string& task = t.spec.task;
  bool merged = false;
  if (repo.integration_head.has_value() && !In(s, {S::kMerged, S::kPushed})) {
    ORCH_ASSIGN_OR_RETURN(merged, main.IsAncestor(head, *repo.integration_head));
    if (merged) {
      ORCH_ASSIGN_OR_RETURN(std::string merge, main.MergeCommitFor(head, *repo.integration_head));
      Finding f = MakeFinding(task, "merged-unrecorded", absl::StrCat(StateText(t), "; no merged event"),
                              absl::StrCat("branch ", t.spec.branch, " at ", ShortId(head), " is in ",
                                           repo.integration_branch, " (", ShortId(merge), ")"),
                              t.drift_seen);
      if (!f.recorded) {
        ORCH_ASSIGN_OR_RETURN(std::vector<ChangedPath> changes, main.Diff(base, head));
        std::vector<std::string> files;
        for (const ChangedPath& c : changes) files.push_back(c.path);
        f.events.push_back(Observed(
            EventType::Merged, task,
            {{"merge_commit", merge}, {"target_branch", repo.integration_branch}, {"files", files}}));
      }
      out->push_back(std::move(f));
    }
  }

  return merged;
}

// Merged and already on the remote without a pushed event?
void CheckPushedUnrecorded(const GitRepo& main, const RepoSnapshot& repo, const TaskGitFacts& t,
                           const std::string& head, std::vector<Finding>* out) {
  const S s = t.facts.state;
  const std::string& task = t.spec.task;
  if (s == S::kMerged && repo.remote_head.has_value()) {
    const std::string& commit = t.facts.merge_commit.empty() ? head : t.facts.merge_commit;
    auto on_remote = main.IsAncestor(commit, *repo.remote_head);
    if (on_remote.ok() && *on_remote) {
      Finding f = MakeFinding(task, "pushed-unrecorded", absl::StrCat(StateText(t), "; no pushed event"),
                              absl::StrCat(ShortId(commit), " is on ", repo.remote, "/",
                                           repo.integration_branch, " (", ShortId(*repo.remote_head), ")"),
                              t.drift_seen);
      if (!f.recorded) {
        f.events.push_back(Observed(
            EventType::Pushed, task,
            {{"remote", repo.remote}, {"commit", *repo.remote_head}, {"branch", repo.integration_branch}}));
      }
      out->push_back(std::move(f));
    }
  }
}

// Tasks still in flight.
absl::Status CheckInFlight(const GitRepo& main, const RepoSnapshot& repo, const TaskGitFacts& t,
                           std::vector<Finding>* out) {
  const S s = t.facts.state;
  const std::string& task = t.spec.task;
  const bool worktree_there = DirExists(t.spec.worktree);
  CheckWorktree(repo, t, worktree_there, out);

  ORCH_ASSIGN_OR_RETURN(std::optional<std::string> head, main.BranchHead(t.spec.branch));
  if (!head.has_value() || t.spec.base_commit.empty()) return absl::OkStatus();
  auto base = main.ResolveCommit(t.spec.base_commit);
  if (!base.ok()) return absl::OkStatus();  // inspect reports an unknown base
  ORCH_ASSIGN_OR_RETURN(AheadBehind vs_base, main.Compare(*head, *base));
  if (vs_base.ahead == 0) return absl::OkStatus();  // nothing delivered yet

  ORCH_ASSIGN_OR_RETURN(const bool merged, CheckMergedUnrecorded(main, repo, t, *head, *base, out));
  CheckPushedUnrecorded(main, repo, t, *head, out);

  // A clean commit beyond the base while the task is still active means
  // completed-unreviewed (design brief): record the checklist that shows it.
  if (!merged && worktree_there && In(s, {S::kActive, S::kStaleNeedsInspection})) {
    ORCH_ASSIGN_OR_RETURN(Checklist c, InspectTask(main, t.spec, repo.integration_branch, &repo.worktrees));
    if (c.worktree_exists && c.status_known && c.status.clean() && c.ahead_of_base > 0) {
      Finding f = MakeFinding(task, "completed-unreported", StateText(t),
                              absl::StrCat("clean worktree, ", c.ahead_of_base, " commit(s) beyond base ",
                                           ShortId(c.base_commit), ", head ", ShortId(c.head)),
                              t.drift_seen);
      if (!f.recorded) f.events.push_back(Observed(EventType::Inspected, task, InspectedPayload(c)));
      out->push_back(std::move(f));
    }
  }
  return absl::OkStatus();
}

void CheckProject(const GitFacts& facts, const RepoSnapshot& repo, std::vector<Finding>* out) {
  const auto& seen = facts.project.drift_seen;
  if (repo.integration_head.has_value() && repo.remote_head.has_value() && repo.vs_remote.ahead > 0) {
    out->push_back(MakeFinding("", "not-pushed", "no pushed event covers the integration head",
                               absl::StrCat(repo.integration_branch, " at ", ShortId(*repo.integration_head),
                                            " is ", repo.vs_remote.ahead, " commit(s) ahead of ", repo.remote,
                                            "/", repo.integration_branch, " at ", ShortId(*repo.remote_head)),
                               seen));
  }
  if (auto f = IntegrationFinding(facts.project, repo); f.has_value()) out->push_back(*std::move(f));
}

}  // namespace

SetupClock SetupClockOf(const ProjectModel& model, int64_t now) {
  SetupClock c{now, model.setup_allowance_seconds, {}};
  for (const TaskModel& t : model.tasks) {
    if (t.facts.state == S::kPendingSetup && t.dispatched_at != 0) c.dispatched_at[t.id] = t.dispatched_at;
  }
  return c;
}

std::vector<Finding> CheckPendingSetups(const std::vector<const TaskGitFacts*>& tasks,
                                        const RepoSnapshot& repo, const SetupClock& clock) {
  std::vector<Finding> out;
  for (const TaskGitFacts* t : tasks) {
    if (t->facts.state != S::kPendingSetup || t->spec.branch.empty()) continue;
    const WorktreeEntry* found = nullptr;
    for (const WorktreeEntry& w : repo.worktrees) {
      if (w.dir_exists && w.head.kind == HeadState::Kind::kBranch && w.head.branch == t->spec.branch)
        found = &w;
    }
    const std::string& task = t->spec.task;
    if (found != nullptr) {
      Finding f = MakeFinding(task, "setup-unreported", "task is pending-setup; no worktree-ready event",
                              absl::StrCat("worktree ", found->path, " has ", t->spec.branch, " checked out"),
                              t->drift_seen);
      if (!f.recorded) {
        nlohmann::json ready = {{"worktree", found->path}, {"branch", t->spec.branch}};
        if (!t->spec.base_commit.empty()) ready["base_commit"] = t->spec.base_commit;
        f.events.push_back(Observed(EventType::WorktreeReady, task, std::move(ready)));
      }
      out.push_back(std::move(f));
      continue;
    }
    const auto since = clock.dispatched_at.find(task);
    if (clock.now == 0 || clock.allowance_seconds <= 0 || since == clock.dispatched_at.end()) continue;
    const int64_t waited = (clock.now - since->second) / 1'000'000'000;
    if (waited <= clock.allowance_seconds) continue;
    // What git shows is stable for one setup (no running duration in it),
    // so a repeated report is the same drift and recorded once.
    out.push_back(
        MakeFinding(task, "setup-overdue",
                    absl::StrCat("task is pending-setup since ", FormatRfc3339(since->second),
                                 "; a setup may take ", FormatDurationShort(clock.allowance_seconds)),
                    absl::StrCat("no worktree has ", t->spec.branch, " checked out"), t->drift_seen));
  }
  return out;
}

absl::StatusOr<Observation> Observe(const GitRepo& main, const GitFacts& facts, RepoSnapshot snapshot,
                                    const SetupClock& clock) {
  Observation o;
  o.repo = std::move(snapshot);
  std::vector<const TaskGitFacts*> tasks;
  for (const auto& [task, t] : facts.tasks) {
    if (!In(t.facts.state, {S::kUnknown, S::kAbandoned})) tasks.push_back(&t);
  }
  o.tasks_checked = static_cast<int>(tasks.size());

  // Each task is independent and most of the cost is file-system calls
  // (opening worktrees, status), so they are checked on a few threads, each
  // with its own repository handle (libgit2 objects are not shared across
  // threads). Findings are merged back in task order: the report and the
  // reconcile batch stay deterministic.
  const size_t workers =
      tasks.size() < kMinTasksPerThread * 2
          ? 1
          : std::min<size_t>({kMaxThreads, std::max(1u, std::thread::hardware_concurrency()),
                              tasks.size() / kMinTasksPerThread});
  std::vector<std::vector<Finding>> found(tasks.size());
  std::vector<absl::Status> status(workers);
  auto work = [&](size_t w) {
    std::unique_ptr<GitRepo> own;
    const GitRepo* repo = &main;
    if (w > 0) {
      auto r = main.Reopen();
      if (!r.ok()) {
        status[w] = r.status();
        return;
      }
      own = *std::move(r);
      repo = own.get();
    }
    for (size_t i = w; i < tasks.size(); i += workers) {
      const TaskGitFacts& t = *tasks[i];
      absl::Status s = In(t.facts.state, {S::kCleaned, S::kCleanupNeeded})
                           ? CheckLeftBehind(*repo, o.repo, t, &found[i])
                           : CheckInFlight(*repo, o.repo, t, &found[i]);
      if (!s.ok()) {
        status[w] = s;
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (std::thread& th : threads) th.join();
  for (const absl::Status& s : status) ORCH_RETURN_IF_ERROR(s);
  for (auto& f : found) {
    for (Finding& x : f) o.findings.push_back(std::move(x));
  }
  for (Finding& f : CheckPendingSetups(tasks, o.repo, clock)) o.findings.push_back(std::move(f));
  CheckProject(facts, o.repo, &o.findings);
  return o;
}

std::optional<Finding> IntegrationFinding(const ProjectGitFacts& p, const RepoSnapshot& repo) {
  const WorkStatus& ws = repo.checkout_status;
  // The previous report is named, so a checkout that is dirty again with
  // the same files after a clean report is a new event (not an idempotent
  // repeat of the first).
  const std::string previous = p.integration_seq == 0 ? "the integration checkout is expected clean"
                                                      : absl::StrCat("the integration checkout was recorded ",
                                                                     p.integration_dirty ? "dirty" : "clean",
                                                                     " (#", p.integration_seq, ")");
  if (!ws.clean()) {
    const std::string shows = absl::StrCat("checkout ", repo.root, ": ", DirtText(ws));
    Finding f = MakeFinding("", "integration-dirty", previous, shows, {});
    if (p.integration_dirty && p.integration_dirt == shows) {
      f.recorded = true;
      f.events.clear();
    }
    return f;
  }
  if (!p.integration_dirty) return std::nullopt;
  return MakeFinding("", "integration-clean", previous, absl::StrCat("checkout ", repo.root, " is clean"),
                     {});
}

absl::StatusOr<std::vector<AppendRequest>> ReconcileBatch(EventSchema& schema,
                                                          const std::vector<Finding>& findings) {
  std::vector<AppendRequest> batch;
  for (const Finding& f : findings) {
    for (EventContent c : f.events) {
      ORCH_ASSIGN_OR_RETURN(std::string bytes, schema.BuildEvent(c));
      c.idempotency_key = absl::StrCat("observe-", ToHex(Sha256(bytes)).substr(0, 32));
      AppendRequest r;
      ORCH_ASSIGN_OR_RETURN(r.event, schema.BuildEvent(c));
      batch.push_back(std::move(r));
    }
  }
  return batch;
}

}  // namespace orch::git

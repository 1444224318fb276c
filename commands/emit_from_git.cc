// `orch emit committed|merged|pushed --from-git`: the commit ids and files
// of these events come from the repository (libgit2), not from flags.
//
//   committed  commit = the task branch's head (or --commit, verified),
//              files = paths that commit changed, message = its summary
//   merged     target_branch = --target-branch or the integration branch,
//              merge_commit = the commit on it that brought the task branch
//              in, files = base..branch head
//   pushed     remote = --remote or the recorded one, branch = --branch or
//              the integration branch, commit = the remote-tracking head
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "commands/verbs.h"
#include "git/repo_snapshot.h"
#include "git/task_git_facts.h"
#include "projections/task_rules.h"

namespace orch {

namespace {

std::string Given(const EventContent& c, const char* field) {
  auto it = c.payload.find(field);
  return it != c.payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> Paths(const std::vector<git::ChangedPath>& changes) {
  std::vector<std::string> out;
  for (const git::ChangedPath& c : changes) {
    if (!c.old_path.empty() && c.status == 'R') out.push_back(c.old_path);
    out.push_back(c.path);
  }
  return out;
}

absl::StatusOr<std::string> TaskBranchHead(const git::GitRepo& repo, const git::TaskGitSpec& spec) {
  if (spec.branch.empty())
    return absl::InvalidArgumentError(absl::StrCat("the log names no branch for task ", spec.task));
  ORCH_ASSIGN_OR_RETURN(std::optional<std::string> head, repo.BranchHead(spec.branch));
  if (!head)
    return absl::InvalidArgumentError(
        absl::StrCat("branch ", spec.branch, " does not exist in ", repo.workdir()));
  return *head;
}

absl::Status FillCommitted(const git::GitRepo& repo, const git::TaskGitSpec& spec, EventContent* c) {
  std::string commit;
  if (std::string given = Given(*c, "commit"); !given.empty()) {
    ORCH_ASSIGN_OR_RETURN(commit, repo.ResolveCommit(given));
  } else {
    ORCH_ASSIGN_OR_RETURN(commit, TaskBranchHead(repo, spec));
  }
  ORCH_ASSIGN_OR_RETURN(std::vector<git::ChangedPath> changes, repo.CommitChanges(commit));
  ORCH_ASSIGN_OR_RETURN(std::string summary, repo.CommitSummary(commit));
  c->payload["commit"] = commit;
  c->payload["files"] = Paths(changes);
  if (Given(*c, "message").empty()) c->payload["message"] = summary;
  return absl::OkStatus();
}

absl::Status FillMerged(const git::GitRepo& repo, const git::TaskGitSpec& spec,
                        const std::string& integration, EventContent* c) {
  std::string target = Given(*c, "target_branch");
  if (target.empty()) target = integration;
  ORCH_ASSIGN_OR_RETURN(std::optional<std::string> target_head, repo.BranchHead(target));
  if (!target_head) return absl::InvalidArgumentError(absl::StrCat("branch ", target, " does not exist"));
  ORCH_ASSIGN_OR_RETURN(std::string head, TaskBranchHead(repo, spec));
  ORCH_ASSIGN_OR_RETURN(bool merged, repo.IsAncestor(head, *target_head));
  if (!merged) {
    return absl::InvalidArgumentError(
        absl::StrCat("branch ", spec.branch, " (", git::ShortId(head), ") is not merged into ", target));
  }
  ORCH_ASSIGN_OR_RETURN(std::string merge, repo.MergeCommitFor(head, *target_head));
  std::vector<git::ChangedPath> changes;
  if (auto base = repo.ResolveCommit(spec.base_commit); !spec.base_commit.empty() && base.ok()) {
    ORCH_ASSIGN_OR_RETURN(changes, repo.Diff(*base, head));
  } else {
    ORCH_ASSIGN_OR_RETURN(changes, repo.CommitChanges(merge));
  }
  c->payload["merge_commit"] = merge;
  c->payload["target_branch"] = target;
  c->payload["files"] = Paths(changes);
  return absl::OkStatus();
}

// A `pushed` record must describe a push that happened: the remote-tracking
// head must contain the merge of the task (or, for a project-level push,
// of every task merged and not yet pushed). Run before `git push`, the
// remote-tracking ref is stale and the record would be false.
absl::Status CheckPushContains(const git::GitRepo& repo, const git::GitFacts& facts, const std::string& task,
                               const std::string& remote_ref, const std::string& remote_head) {
  std::vector<std::string> missing;
  auto check = [&](const std::string& id, const git::TaskGitFacts& t) -> absl::Status {
    if (t.facts.merge_commit.empty()) {
      missing.push_back(absl::StrCat(id, " (no merge recorded: emit merged first)"));
      return absl::OkStatus();
    }
    ORCH_ASSIGN_OR_RETURN(bool contained, repo.IsAncestor(t.facts.merge_commit, remote_head));
    if (!contained) missing.push_back(absl::StrCat(id, " (merge ", git::ShortId(t.facts.merge_commit), ")"));
    return absl::OkStatus();
  };
  if (!task.empty()) {
    auto it = facts.tasks.find(task);
    if (it == facts.tasks.end()) return absl::NotFoundError(absl::StrCat("unknown task '", task, "'"));
    ORCH_RETURN_IF_ERROR(check(task, it->second));
  } else {
    for (const auto& [id, t] : facts.tasks) {
      if (MovedByProjectPush(t.facts)) ORCH_RETURN_IF_ERROR(check(id, t));
    }
  }
  if (missing.empty()) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat(remote_ref, " (", git::ShortId(remote_head),
                                         ") does not contain the merge of ", absl::StrJoin(missing, ", "),
                                         ": push first (or fetch, if someone else pushed)"));
}

absl::Status FillPushed(const git::GitRepo& repo, const git::GitFacts& facts,
                        const std::string& remote_default, const std::string& integration, EventContent* c) {
  std::string remote = Given(*c, "remote");
  if (remote.empty()) remote = remote_default;
  std::string branch = Given(*c, "branch");
  if (branch.empty()) branch = integration;
  ORCH_ASSIGN_OR_RETURN(std::optional<std::string> head, repo.RemoteBranchHead(remote, branch));
  if (!head) {
    return absl::InvalidArgumentError(absl::StrCat("no remote-tracking branch ", remote, "/", branch, " in ",
                                                   repo.workdir(), ": push or fetch first"));
  }
  ORCH_RETURN_IF_ERROR(CheckPushContains(repo, facts, c->task, absl::StrCat(remote, "/", branch), *head));
  c->payload["remote"] = remote;
  c->payload["branch"] = branch;
  c->payload["commit"] = *head;
  return absl::OkStatus();
}

}  // namespace

void FillDefaultBaseCommit(CommandContext& ctx, EventContent* c) {
  auto fill = [&]() -> absl::Status {
    git::GitFacts facts;
    {
      ORCH_ASSIGN_OR_RETURN(auto store, OpenStoreForRead(ctx));
      ORCH_ASSIGN_OR_RETURN(facts, git::LoadGitFacts(*store, c->task));
    }
    ORCH_ASSIGN_OR_RETURN(git::ProjectRepo project, git::OpenProjectRepo(facts.project, "", WorkingDir(ctx)));
    ORCH_ASSIGN_OR_RETURN(std::optional<std::string> head,
                          project.repo->BranchHead(project.integration_branch));
    if (!head) {
      return absl::NotFoundError(absl::StrCat("branch ", project.integration_branch, " does not exist"));
    }
    c->payload["base_commit"] = *head;
    return absl::OkStatus();
  };
  if (absl::Status s = fill(); !s.ok()) {
    *ctx.err << "orch: warning: no base commit recorded for task " << c->task << " ("
             << EscapeForDisplay(s.message()) << "): pass --base-commit\n";
  }
}

absl::Status FillFromGit(CommandContext& ctx, EventContent* c) {
  if (c->type != EventType::Committed && c->type != EventType::Merged && c->type != EventType::Pushed) {
    return absl::InvalidArgumentError("--from-git applies to committed, merged and pushed only");
  }
  // Read the task's facts, then let the store go: emit reopens it to append.
  git::GitFacts facts;
  {
    ORCH_ASSIGN_OR_RETURN(auto store, OpenStoreForRead(ctx));
    std::optional<std::string> task;
    if (!c->task.empty()) task = c->task;
    ORCH_ASSIGN_OR_RETURN(facts, git::LoadGitFacts(*store, task));
  }
  git::TaskGitSpec spec;
  spec.task = c->task;
  if (auto it = facts.tasks.find(c->task); it != facts.tasks.end()) spec = it->second.spec;
  auto project = git::OpenProjectRepo(facts.project, "", WorkingDir(ctx));
  if (!project.ok()) return RepoInputError(project.status());
  const git::GitRepo& repo = *project->repo;
  absl::Status s;
  switch (c->type) {
    case EventType::Committed:
      s = FillCommitted(repo, spec, c);
      break;
    case EventType::Merged:
      s = FillMerged(repo, spec, project->integration_branch, c);
      break;
    case EventType::Pushed:
      s = FillPushed(repo, facts, project->remote, project->integration_branch, c);
      break;
    case EventType::NONE:
    case EventType::ProjectInitialized:
    case EventType::PackageOpened:
    case EventType::PackageClosed:
    case EventType::PackageBlocked:
    case EventType::Dispatched:
    case EventType::WorktreeReady:
    case EventType::SetupFailed:
    case EventType::Completed:
    case EventType::Inspected:
    case EventType::Gate:
    case EventType::ReviewStarted:
    case EventType::Reviewed:
    case EventType::Cleaned:
    case EventType::Blocked:
    case EventType::Unblocked:
    case EventType::Abandoned:
    case EventType::Heartbeat:
    case EventType::HeartbeatMissed:
    case EventType::StaleDetected:
    case EventType::DriftDetected:
    case EventType::RunModeChanged:
    case EventType::Note:
    case EventType::StoreRecovered:
    case EventType::Settings:
    case EventType::ReviewImported:
      s = absl::InvalidArgumentError("--from-git applies to committed, merged and pushed only");
      break;
  }
  if (absl::IsAborted(s)) return s;  // a refusal (exit 3), not a repository problem
  return RepoInputError(s);
}

}  // namespace orch

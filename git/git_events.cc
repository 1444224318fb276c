#include "git/git_events.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "projections/task_rules.h"

namespace orch::git {

EventContent ToolEvent(EventType type, const std::string& task, const std::string& actor, schema::Claim claim,
                       nlohmann::json payload) {
  EventContent c;
  c.type = type;
  c.task = task;
  c.actor = actor;
  c.claim = claim;
  c.payload = std::move(payload);
  return c;
}

absl::Status CheckPushContains(const GitRepo& repo, const GitFacts& facts, const std::string& task,
                               const std::string& remote_ref, const std::string& remote_head) {
  std::vector<std::string> missing;
  auto check = [&](const std::string& id, const TaskGitFacts& t) -> absl::Status {
    if (t.facts.merge_commit.empty()) {
      missing.push_back(absl::StrCat(id, " (no merge recorded: emit merged first)"));
      return absl::OkStatus();
    }
    ORCH_ASSIGN_OR_RETURN(bool contained, repo.IsAncestor(t.facts.merge_commit, remote_head));
    if (!contained) missing.push_back(absl::StrCat(id, " (merge ", ShortId(t.facts.merge_commit), ")"));
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
  return absl::AbortedError(absl::StrCat(remote_ref, " (", ShortId(remote_head),
                                         ") does not contain the merge of ", absl::StrJoin(missing, ", "),
                                         ": push first (or fetch, if someone else pushed)"));
}

namespace {

std::string Given(const EventContent& c, const char* field) {
  auto it = c.payload.find(field);
  return it != c.payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> Paths(const std::vector<ChangedPath>& changes) {
  std::vector<std::string> out;
  for (const ChangedPath& c : changes) {
    if (!c.old_path.empty() && c.status == 'R') out.push_back(c.old_path);
    out.push_back(c.path);
  }
  return out;
}

absl::StatusOr<std::string> TaskBranchHead(const GitRepo& repo, const TaskGitSpec& spec) {
  if (spec.branch.empty())
    return absl::InvalidArgumentError(absl::StrCat("the log names no branch for task ", spec.task));
  ORCH_ASSIGN_OR_RETURN(std::optional<std::string> head, repo.BranchHead(spec.branch));
  if (!head)
    return absl::InvalidArgumentError(
        absl::StrCat("branch ", spec.branch, " does not exist in ", repo.workdir()));
  return *head;
}

absl::Status FillCommitted(const GitRepo& repo, const TaskGitSpec& spec, EventContent* c) {
  std::string commit;
  if (std::string given = Given(*c, "commit"); !given.empty()) {
    ORCH_ASSIGN_OR_RETURN(commit, repo.ResolveCommit(given));
  } else {
    ORCH_ASSIGN_OR_RETURN(commit, TaskBranchHead(repo, spec));
  }
  ORCH_ASSIGN_OR_RETURN(std::vector<ChangedPath> changes, repo.CommitChanges(commit));
  ORCH_ASSIGN_OR_RETURN(std::string summary, repo.CommitSummary(commit));
  c->payload["commit"] = commit;
  c->payload["files"] = Paths(changes);
  if (Given(*c, "message").empty()) c->payload["message"] = summary;
  return absl::OkStatus();
}

absl::Status FillMerged(const GitRepo& repo, const TaskGitSpec& spec, const std::string& integration,
                        EventContent* c) {
  std::string target = Given(*c, "target_branch");
  if (target.empty()) target = integration;
  ORCH_ASSIGN_OR_RETURN(std::optional<std::string> target_head, repo.BranchHead(target));
  if (!target_head) return absl::InvalidArgumentError(absl::StrCat("branch ", target, " does not exist"));
  ORCH_ASSIGN_OR_RETURN(std::string head, TaskBranchHead(repo, spec));
  ORCH_ASSIGN_OR_RETURN(bool merged, repo.IsAncestor(head, *target_head));
  if (!merged) {
    return absl::InvalidArgumentError(
        absl::StrCat("branch ", spec.branch, " (", ShortId(head), ") is not merged into ", target));
  }
  ORCH_ASSIGN_OR_RETURN(std::string merge, repo.MergeCommitFor(head, *target_head));
  std::vector<ChangedPath> changes;
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

absl::Status FillPushed(const GitRepo& repo, const GitFacts& facts, const std::string& remote_default,
                        const std::string& integration, EventContent* c) {
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

absl::Status FillPayloadFromGit(const GitFacts& facts, const ProjectRepo& project, EventContent* c) {
  TaskGitSpec spec;
  spec.task = c->task;
  if (auto it = facts.tasks.find(c->task); it != facts.tasks.end()) spec = it->second.spec;
  const GitRepo& repo = *project.repo;
  switch (c->type) {
    case EventType::Committed:
      return FillCommitted(repo, spec, c);
    case EventType::Merged:
      return FillMerged(repo, spec, project.integration_branch, c);
    case EventType::Pushed:
      return FillPushed(repo, facts, project.remote, project.integration_branch, c);
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
      break;
  }
  return absl::InvalidArgumentError("--from-git applies to committed, merged and pushed only");
}

}  // namespace orch::git

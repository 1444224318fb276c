// `orch emit committed|merged|pushed --from-git`: the commit ids and files
// of these events come from the repository (git/git_events.h: which
// fields, and the push-containment rule), not from flags; and `orch emit
// dispatched`'s default base commit. Here: the store and repository to
// read, and how their errors are reported.
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "commands/verbs.h"
#include "git/git_events.h"
#include "git/repo_snapshot.h"
#include "git/task_git_facts.h"

namespace orch {

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
  auto project = git::OpenProjectRepo(facts.project, "", WorkingDir(ctx));
  if (!project.ok()) return RepoInputError(project.status());
  const absl::Status s = git::FillPayloadFromGit(facts, *project, c);
  if (absl::IsAborted(s)) return s;  // a refusal (exit 3), not a repository problem
  return RepoInputError(s);
}

}  // namespace orch

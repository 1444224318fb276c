#include "git/repo_snapshot.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace orch::git {

absl::StatusOr<RepoSnapshot> TakeSnapshot(const GitRepo& main, const std::string& integration_branch,
                                          const std::string& remote,
                                          const std::vector<std::string>& skip_untracked) {
  ORCH_RETURN_IF_ERROR(main.RequireCommits());
  RepoSnapshot s;
  s.root = main.workdir();
  s.integration_branch = integration_branch;
  s.remote = remote;
  ORCH_ASSIGN_OR_RETURN(s.integration_head, main.BranchHead(integration_branch));
  ORCH_ASSIGN_OR_RETURN(s.remote_head, main.RemoteBranchHead(remote, integration_branch));
  if (s.integration_head.has_value() && s.remote_head.has_value()) {
    ORCH_ASSIGN_OR_RETURN(s.vs_remote, main.Compare(*s.integration_head, *s.remote_head));
  }
  ORCH_ASSIGN_OR_RETURN(s.checkout, main.Head());
  ORCH_ASSIGN_OR_RETURN(s.worktrees, main.Worktrees());
  std::vector<std::string> skip = skip_untracked;
  // Linked worktrees placed inside the checkout show up as untracked
  // directories; they are the loop's own, not dirt.
  const std::string prefix = s.root + "/";
  for (const WorktreeEntry& w : s.worktrees) {
    if (absl::StartsWith(w.path, prefix)) skip.push_back(absl::StrCat(w.path.substr(prefix.size()), "/"));
  }
  if (!s.root.empty()) {
    ORCH_ASSIGN_OR_RETURN(s.checkout_status, main.Status(skip));
  }
  return s;
}

absl::StatusOr<ProjectRepo> OpenProjectRepo(const ProjectGitFacts& project, const std::string& repo_dir,
                                            const std::string& cwd) {
  std::string dir = repo_dir.empty() ? project.settings.project_root : repo_dir;
  if (dir.empty()) {
    auto top = GitRepo::DiscoverMainTopLevel(cwd);
    if (!top.ok()) {
      return absl::NotFoundError(absl::StrCat(cwd, " is not inside a git repository and the log records no ",
                                              "project root: pass --repo DIR"));
    }
    dir = *top;
  }
  ProjectRepo p;
  ORCH_ASSIGN_OR_RETURN(p.repo, GitRepo::Open(dir));
  ORCH_RETURN_IF_ERROR(p.repo->RequireCommits());
  p.integration_branch = project.settings.default_branch;
  if (p.integration_branch.empty()) {
    ORCH_ASSIGN_OR_RETURN(HeadState h, p.repo->Head());
    p.integration_branch = h.kind == HeadState::Kind::kBranch ? h.branch : "main";
  }
  p.remote = project.settings.remote.empty() ? "origin" : project.settings.remote;
  return p;
}

}  // namespace orch::git

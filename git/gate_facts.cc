#include "git/gate_facts.h"

#include <filesystem>

#include "absl/strings/str_cat.h"

namespace orch::git {

GateGitFacts ReadGateFacts(const absl::StatusOr<ProjectRepo>& project, const TaskFacts& f) {
  GateGitFacts g;
  if (!project.ok()) {
    g.problem = std::string(project.status().message());
    g.review.head_problem = g.problem;
    return g;
  }
  const GitRepo& repo = *project->repo;
  g.integration_branch = project->integration_branch;
  std::error_code ec;
  // A worktree recorded relative (../wt-t7) is relative to the repository.
  const std::filesystem::path worktree = std::filesystem::path(repo.workdir()) / f.worktree;
  g.worktree_exists = !f.worktree.empty() && std::filesystem::exists(worktree, ec);
  if (f.branch.empty()) {
    g.review.head_problem = "the task names no branch";
    return g;
  }
  auto head = repo.BranchHead(f.branch);
  if (!head.ok()) {
    g.review.head_problem = std::string(head.status().message());
    g.problem = g.review.head_problem;
    return g;
  }
  if (!head->has_value()) {
    g.review.head_problem = absl::StrCat("no branch ", f.branch, " in ", repo.workdir());
    return g;
  }
  g.branch_exists = true;
  g.review.head = **head;
  if (auto target = repo.BranchHead(project->integration_branch); target.ok() && target->has_value()) {
    auto contained = repo.IsAncestor(g.review.head, **target);
    g.branch_merged = contained.ok() && *contained;
  }
  if (f.base_commit.empty()) return g;
  auto base = repo.ResolveCommit(f.base_commit);
  if (!base.ok()) return g;
  if (auto diff = repo.Diff(*base, g.review.head); diff.ok()) {
    for (const ChangedPath& c : *diff) g.review.changed.push_back(c.path);
  }
  if (auto ws = repo.WhitespaceErrors(*base, g.review.head); ws.ok()) g.review.whitespace_errors = *ws;
  return g;
}

}  // namespace orch::git

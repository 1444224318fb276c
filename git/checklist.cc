#include "git/checklist.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/glob.h"
#include "base/status_macros.h"

namespace orch::git {

namespace {

std::string FindWorktreeByBranch(const std::vector<WorktreeEntry>* worktrees, const std::string& branch) {
  if (worktrees == nullptr || branch.empty()) return "";
  for (const WorktreeEntry& w : *worktrees) {
    if (w.head.kind == HeadState::Kind::kBranch && w.head.branch == branch) return w.path;
  }
  return "";
}

// Fills worktree_exists, branch, detached, branch_matches and status.
absl::Status CheckWorktree(const GitRepo& main, const TaskGitSpec& spec, Checklist* c) {
  if (c->worktree.empty()) {
    c->problems.push_back("the log names no worktree for the task and none has its branch checked out");
    return absl::OkStatus();
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(c->worktree, ec)) {
    c->problems.push_back(absl::StrCat("worktree ", c->worktree, " is missing"));
    return absl::OkStatus();
  }
  auto wt = GitRepo::Open(c->worktree);
  if (!wt.ok()) {
    c->problems.push_back(absl::StrCat("worktree ", c->worktree, " is not a git worktree"));
    return absl::OkStatus();
  }
  c->worktree_exists = true;
  if ((*wt)->commondir() != main.commondir()) {
    // Its commits are not in this repository: nothing in it can be judged
    // against the task's base or branch.
    c->problems.push_back(absl::StrCat("worktree ", c->worktree, " belongs to another repository (",
                                       (*wt)->commondir(), "), not to ", main.commondir()));
    return absl::OkStatus();
  }
  ORCH_ASSIGN_OR_RETURN(HeadState h, (*wt)->Head());
  if (h.kind == HeadState::Kind::kDetached) {
    c->detached = true;
    c->problems.push_back(absl::StrCat("the worktree is on a detached HEAD at ", ShortId(h.commit),
                                       ", not on branch ", spec.branch));
  } else {
    c->branch = h.branch;
    c->branch_matches = !spec.branch.empty() && h.branch == spec.branch;
    if (!c->branch_matches) {
      c->problems.push_back(absl::StrCat("the worktree has branch ", h.branch, " checked out, the task's is ",
                                         spec.branch.empty() ? "not recorded" : spec.branch));
    }
  }
  ORCH_ASSIGN_OR_RETURN(c->status, (*wt)->Status());
  c->status_known = true;
  if (!c->status.clean()) {
    c->problems.push_back(absl::StrCat("the worktree is not clean: ", c->status.staged.size(), " staged, ",
                                       c->status.unstaged.size(), " unstaged, ", c->status.untracked.size(),
                                       " untracked"));
  }
  if (c->head.empty() && !h.commit.empty()) c->head = h.commit;  // branch missing: judge what is there
  return absl::OkStatus();
}

// Fills changes, changed, outside_allowed, forbidden_touched, self_review.
void CheckWriteSet(const TaskGitSpec& spec, Checklist* c) {
  std::set<std::string> touched;
  for (const ChangedPath& p : c->changes) {
    touched.insert(p.path);
    if (!p.old_path.empty()) touched.insert(p.old_path);  // a rename touches both places
    if (p.path == spec.self_review_path && p.status != 'D') c->self_review_present = true;
  }
  c->changed.assign(touched.begin(), touched.end());
  for (const std::string& path : c->changed) {
    if (!spec.allowed.empty() && !GlobMatchAny(spec.allowed, path)) c->outside_allowed.push_back(path);
    if (GlobMatchAny(spec.forbidden, path)) c->forbidden_touched.push_back(path);
  }
  if (!c->forbidden_touched.empty()) {
    c->problems.push_back(
        absl::StrCat("forbidden paths touched: ", absl::StrJoin(c->forbidden_touched, ", ")));
  }
  if (!c->outside_allowed.empty()) {
    c->problems.push_back(
        absl::StrCat("paths outside the allowed globs: ", absl::StrJoin(c->outside_allowed, ", ")));
  }
  if (c->self_review_required && !c->self_review_present) {
    c->problems.push_back(absl::StrCat("self-review file ", spec.self_review_path, " is not in the diff"));
  }
}

}  // namespace

absl::StatusOr<Checklist> InspectTask(const GitRepo& main, const TaskGitSpec& spec,
                                      const std::string& integration_branch,
                                      const std::vector<WorktreeEntry>* worktrees) {
  ORCH_RETURN_IF_ERROR(main.RequireCommits());
  Checklist c;
  c.integration_branch = integration_branch;
  c.self_review_required = !spec.self_review_path.empty();
  c.worktree = spec.worktree.empty() ? FindWorktreeByBranch(worktrees, spec.branch) : spec.worktree;

  ORCH_ASSIGN_OR_RETURN(std::optional<std::string> branch_head, main.BranchHead(spec.branch));
  if (branch_head.has_value()) {
    c.head = *branch_head;
  } else {
    c.problems.push_back(spec.branch.empty() ? std::string("the log names no branch for the task")
                                             : absl::StrCat("branch ", spec.branch, " does not exist"));
  }
  ORCH_RETURN_IF_ERROR(CheckWorktree(main, spec, &c));
  if (c.head.empty()) return c;

  if (spec.base_commit.empty()) {
    c.problems.push_back("the log records no base commit for the task");
  } else if (auto base = main.ResolveCommit(spec.base_commit); !base.ok()) {
    c.problems.push_back(absl::StrCat("base commit ", spec.base_commit, " is not in the repository"));
  } else {
    c.base_commit = *base;
    // One walk answers both: the base is an ancestor iff it has no commit
    // the head lacks.
    ORCH_ASSIGN_OR_RETURN(AheadBehind ab, main.Compare(c.head, c.base_commit));
    c.ahead_of_base = static_cast<int>(ab.ahead);
    c.base_is_ancestor = ab.behind == 0;
    if (!c.base_is_ancestor) {
      c.problems.push_back(absl::StrCat("base ", ShortId(c.base_commit), " is not an ancestor of head ",
                                        ShortId(c.head), " (the branch was rebased or reset)"));
    } else if (c.ahead_of_base == 0) {
      c.problems.push_back("no commits beyond the base");
    }
    ORCH_ASSIGN_OR_RETURN(c.changes, main.Diff(c.base_commit, c.head));
  }
  CheckWriteSet(spec, &c);

  ORCH_ASSIGN_OR_RETURN(std::optional<std::string> integration_head, main.BranchHead(integration_branch));
  if (integration_head.has_value()) {
    ORCH_ASSIGN_OR_RETURN(AheadBehind ab, main.Compare(c.head, *integration_head));
    c.ahead_of_integration = static_cast<int>(ab.ahead);
    c.behind_integration = static_cast<int>(ab.behind);
  }
  return c;
}

nlohmann::json InspectedPayload(const Checklist& c) {
  return {
      {"head", c.head},
      {"branch", c.branch},
      {"branch_matches", c.branch_matches},
      {"worktree_exists", c.worktree_exists},
      {"base_commit", c.base_commit},
      {"base_is_ancestor", c.base_is_ancestor},
      {"ahead_of_base", c.ahead_of_base},
      {"behind_integration", c.behind_integration},
      {"ahead_of_integration", c.ahead_of_integration},
      {"changed", c.changed},
      {"outside_allowed", c.outside_allowed},
      {"forbidden_touched", c.forbidden_touched},
      {"staged", c.status.staged},
      {"unstaged", c.status.unstaged},
      {"untracked", c.status.untracked},
      {"self_review_present", c.self_review_present},
      {"reviewable", c.reviewable()},
      {"problems", c.problems},
      {"worktree", c.worktree},
      {"detached", c.detached},
  };
}

}  // namespace orch::git

#include "git/worktree_progress.h"

#include <sys/stat.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "git/task_git_facts.h"
#include "projections/task_rules.h"

namespace orch::git {

namespace {

// The newest modification time (ns) among `paths` under `root`; 0 when
// none can be read (a deleted file has none).
int64_t NewestChange(const std::string& root, const WorkStatus& s) {
  int64_t newest = 0;
  for (const auto* list : {&s.staged, &s.unstaged, &s.untracked}) {
    for (const std::string& path : *list) {
      struct stat st;
      if (::lstat(absl::StrCat(root, "/", path).c_str(), &st) != 0) continue;
      newest = std::max<int64_t>(newest, int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec);
    }
  }
  return newest;
}

}  // namespace

std::string DirtText(const WorkStatus& ws) {
  std::vector<std::string> parts;
  if (!ws.staged.empty()) parts.push_back(absl::StrCat("staged ", absl::StrJoin(ws.staged, ", ")));
  if (!ws.unstaged.empty()) parts.push_back(absl::StrCat("unstaged ", absl::StrJoin(ws.unstaged, ", ")));
  if (!ws.untracked.empty()) parts.push_back(absl::StrCat("untracked ", absl::StrJoin(ws.untracked, ", ")));
  return absl::StrJoin(parts, "; ");
}

absl::StatusOr<WorktreeProgress> ReadWorktreeProgress(const GitRepo& main, const TaskGitSpec& spec,
                                                      const std::string& integration_branch,
                                                      const std::vector<WorktreeEntry>* worktrees) {
  ORCH_ASSIGN_OR_RETURN(Checklist c, InspectTask(main, spec, integration_branch, worktrees));
  WorktreeProgress p;
  p.known = true;
  p.worktree_exists = c.worktree_exists;
  p.commits_beyond_base = c.ahead_of_base;
  if (c.status_known && !c.status.clean()) {
    p.dirty = true;
    p.dirt = DirtText(c.status);
    p.last_change_at = NewestChange(c.worktree, c.status);
  }
  if (c.ahead_of_base > 0 && !c.head.empty()) {
    auto at = main.CommitTimeNanos(c.head);
    if (at.ok()) p.last_commit_at = *at;
  }
  return p;
}

std::map<std::string, WorktreeProgress> ReadInFlightProgress(const GitRepo& main, const ProjectModel& model,
                                                             const std::string& integration_branch) {
  std::map<std::string, WorktreeProgress> out;
  auto worktrees = main.Worktrees();
  for (const TaskModel& t : model.tasks) {
    if (!IsInFlight(t.facts)) continue;
    auto p = ReadWorktreeProgress(main, SpecOf(t.id, t.facts), integration_branch,
                                  worktrees.ok() ? &*worktrees : nullptr);
    out[t.id] = p.ok() ? *p : WorktreeProgress{};
  }
  return out;
}

}  // namespace orch::git

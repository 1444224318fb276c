// The delivery-unit checklist of one task, observed from git.
//
// A worker saying "done" is a claim; this is the evidence: the worktree,
// the branch checked out in it, where the branch stands against its base
// and the integration branch, what it changed (and whether that stays
// inside the task's write set), and whether anything is left uncommitted.
#ifndef ORCH_GIT_CHECKLIST_H_
#define ORCH_GIT_CHECKLIST_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "git/repository.h"
#include "nlohmann/json.hpp"

namespace orch::git {

// What the log says about a task's delivery unit (see task_git_facts.h).
struct TaskGitSpec {
  std::string task;
  std::string branch;                  // the branch the worker must commit to
  std::string base_commit;             // any revision; resolved against the repository
  std::string worktree;                // absolute path; empty when never reported
  std::vector<std::string> allowed;    // globs (glob.h); empty: anything allowed
  std::vector<std::string> forbidden;  // globs
  std::string self_review_path;        // repository-relative; empty: none required
};

struct Checklist {
  std::string worktree;
  bool worktree_exists = false;
  std::string branch;  // checked out in the worktree; "" if missing or detached
  bool detached = false;
  bool branch_matches = false;
  std::string head;         // head of the task branch (else the worktree's HEAD)
  std::string base_commit;  // resolved, full id; "" when unknown
  bool base_is_ancestor = false;
  int ahead_of_base = 0;
  std::string integration_branch;
  int ahead_of_integration = 0;
  int behind_integration = 0;
  std::vector<ChangedPath> changes;  // base..head, renames detected
  std::vector<std::string> changed;  // every path touched (both sides of a rename), sorted
  std::vector<std::string> outside_allowed;
  std::vector<std::string> forbidden_touched;
  WorkStatus status;  // empty when the worktree is missing
  bool status_known = false;
  bool self_review_required = false;
  bool self_review_present = false;
  std::vector<std::string> problems;  // one line each; empty iff reviewable
  bool reviewable() const { return problems.empty(); }
};

// Computes the checklist of `spec` in the repository `main` (the main
// worktree: it holds every branch). Facts that cannot be established
// (missing worktree, unknown base, missing branch) become problems, not
// errors. Errors: FailedPrecondition when the repository has no commits;
// Internal for a libgit2 failure. `worktrees` (may be null) is the
// repository's worktree list, used to find the task's worktree by branch
// when the log names no path.
absl::StatusOr<Checklist> InspectTask(const GitRepo& main, const TaskGitSpec& spec,
                                      const std::string& integration_branch,
                                      const std::vector<WorktreeEntry>* worktrees = nullptr);

// The payload of an `inspected` event (schema/events.fbs, Inspected), in
// the JSON form EventSchema::BuildEvent takes.
nlohmann::json InspectedPayload(const Checklist& c);

}  // namespace orch::git

#endif  // ORCH_GIT_CHECKLIST_H_

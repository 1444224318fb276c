// The events built from git facts (`orch emit committed|merged|pushed
// --from-git`): their commit ids and files come from the repository, not
// from flags, and a `pushed` event must describe a push that happened.
//
//   committed  commit = the task branch's head (or the payload's commit,
//              verified), files = paths that commit changed, message = its
//              summary unless given
//   merged     target_branch = the payload's or the integration branch,
//              merge_commit = the commit on it that brought the task branch
//              in, files = base..branch head
//   pushed     remote = the payload's or the recorded one, branch = the
//              payload's or the integration branch, commit = the
//              remote-tracking head, which must contain the merges it moves
#ifndef ORCH_GIT_GIT_EVENTS_H_
#define ORCH_GIT_GIT_EVENTS_H_

#include <string>

#include "absl/status/status.h"
#include "git/repo_snapshot.h"
#include "git/task_git_facts.h"
#include "schema/event_schema.h"

namespace orch::git {

// An event a tool of orch records of its own accord (`observe`'s observed
// drift, `watch`'s inferred misses): `type` of `task` ("" for the
// project) by `actor`, with `claim` and `payload`.
EventContent ToolEvent(EventType type, const std::string& task, const std::string& actor, schema::Claim claim,
                       nlohmann::json payload);

// Fills the payload of `c` (committed, merged or pushed; the fields already
// given are kept or verified as above) from `project`'s repository and the
// log's `facts` (LoadGitFacts for c->task). InvalidArgument for another
// type, a branch or commit git does not have, or a task branch not merged;
// Aborted when the remote-tracking head does not contain a merge the push
// should carry (CheckPushContains); NotFound for a task the facts do not
// know (pushed); libgit2's errors otherwise.
absl::Status FillPayloadFromGit(const GitFacts& facts, const ProjectRepo& project, EventContent* c);

// A `pushed` record must describe a push that happened: `remote_head` (the
// head of `remote_ref`) must contain the merge of `task` (or, when `task`
// is empty, of every task merged and not yet pushed). Run before `git
// push`, the remote-tracking ref is stale and the record would be false.
// Aborted names each missing merge ("push first"); NotFound for an unknown
// task.
absl::Status CheckPushContains(const GitRepo& repo, const GitFacts& facts, const std::string& task,
                               const std::string& remote_ref, const std::string& remote_head);

}  // namespace orch::git

#endif  // ORCH_GIT_GIT_EVENTS_H_

// orch inspect TASK: the delivery-unit checklist, read from git with
// libgit2 and recorded as an observed `inspected` event. The exit code says
// whether the unit can be reviewed as it is (docs/git.md).
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "commands/append_event.h"
#include "commands/verbs.h"
#include "git/checklist.h"
#include "git/repo_snapshot.h"
#include "git/task_git_facts.h"
#include "projections/lifecycle_guard.h"
#include "projections/task_fold.h"

namespace orch {

namespace {

struct InspectOptions {
  std::string task;
  std::string repo;
  bool json = false;
};

std::string Box(bool ok) { return ok ? "[x]" : "[ ]"; }

// Branch names, paths and ids come from git and the log: shown escaped.
std::string S(absl::string_view s) { return EscapeForDisplay(s); }
std::string Joined(const std::vector<std::string>& items) {
  std::vector<std::string> shown;
  for (const std::string& i : items) shown.push_back(S(i));
  return absl::StrJoin(shown, ", ");
}

std::string ChangeText(const git::ChangedPath& c) {
  if (!c.old_path.empty())
    return absl::StrCat(std::string(1, c.status), " ", S(c.old_path), " -> ", S(c.path));
  return absl::StrCat(std::string(1, c.status), " ", S(c.path));
}

void PrintChecklist(const std::string& task, const git::TaskGitSpec& spec, const git::Checklist& c,
                    std::ostream& out) {
  out << "inspect " << S(task) << " (branch " << (spec.branch.empty() ? "?" : S(spec.branch)) << ", worktree "
      << (c.worktree.empty() ? "?" : S(c.worktree)) << ")\n";
  out << "  " << Box(c.worktree_exists) << " worktree exists\n";
  out << "  " << Box(c.branch_matches) << " task branch checked out"
      << (c.detached         ? " (detached HEAD)"
          : c.branch.empty() ? ""
                             : absl::StrCat(" (", S(c.branch), ")"))
      << "\n";
  out << "  " << Box(c.base_is_ancestor) << " base " << git::ShortId(c.base_commit)
      << " is an ancestor of head " << git::ShortId(c.head) << "\n";
  out << "  " << Box(c.ahead_of_base > 0) << " commits beyond the base: " << c.ahead_of_base << "\n";
  out << "  " << Box(c.status_known && c.status.clean()) << " worktree clean";
  if (c.status_known) {
    out << " (" << c.status.staged.size() << " staged, " << c.status.unstaged.size() << " unstaged, "
        << c.status.untracked.size() << " untracked)";
  }
  out << "\n";
  for (const auto& [label, list] :
       {std::pair<const char*, const std::vector<std::string>*>{"staged", &c.status.staged},
        {"unstaged", &c.status.unstaged},
        {"untracked", &c.status.untracked}}) {
    if (!list->empty()) out << "        " << label << ": " << Joined(*list) << "\n";
  }
  out << "  " << Box(c.forbidden_touched.empty()) << " no forbidden path touched";
  if (!c.forbidden_touched.empty()) out << ": " << Joined(c.forbidden_touched);
  out << "\n  " << Box(c.outside_allowed.empty()) << " every change inside the allowed paths";
  if (!c.outside_allowed.empty()) out << ": outside " << Joined(c.outside_allowed);
  out << "\n  " << Box(!c.self_review_required || c.self_review_present) << " self-review in the diff"
      << (c.self_review_required ? absl::StrCat(" (", S(spec.self_review_path), ")") : " (none required)")
      << "\n";
  out << "  integration " << S(c.integration_branch) << ": branch is " << c.ahead_of_integration << " ahead, "
      << c.behind_integration << " behind\n";
  out << "  changed (" << c.changes.size() << "):";
  for (const git::ChangedPath& p : c.changes) out << "\n    " << ChangeText(p);
  out << "\n";
  if (c.reviewable()) {
    out << "reviewable: yes\n";
  } else {
    out << "reviewable: no\n";
    for (const std::string& p : c.problems) out << "  - " << S(p) << "\n";
  }
}

absl::Status RunInspect(const InspectOptions& o, CommandContext& ctx) {
  ORCH_ASSIGN_OR_RETURN(auto store, OpenStoreForWrite(ctx));
  ORCH_ASSIGN_OR_RETURN(git::GitFacts facts, git::LoadGitFacts(*store, o.task));
  auto it = facts.tasks.find(o.task);
  if (it == facts.tasks.end() || it->second.facts.state == TaskState::kUnknown) {
    return absl::NotFoundError(absl::StrCat("unknown task '", o.task, "': no dispatched event for it"));
  }
  const git::TaskGitSpec& spec = it->second.spec;
  std::error_code ec;
  auto project = git::OpenProjectRepo(facts.project, o.repo, std::filesystem::current_path(ec).string());
  if (!project.ok()) return RepoInputError(project.status());
  ORCH_ASSIGN_OR_RETURN(std::vector<git::WorktreeEntry> worktrees, project->repo->Worktrees());
  auto checklist = git::InspectTask(*project->repo, spec, project->integration_branch, &worktrees);
  if (!checklist.ok()) return RepoInputError(checklist.status());

  EventContent c;
  c.type = EventType::Inspected;
  c.task = o.task;
  c.actor = kInspectActor;  // what makes the inspection count (task_fold.h)
  c.claim = schema::Claim::observed;
  c.payload = git::InspectedPayload(*checklist);
  std::vector<AppendRequest> batch(1);
  ORCH_ASSIGN_OR_RETURN(batch[0].event, ctx.schema->BuildEvent(c));
  ORCH_ASSIGN_OR_RETURN(auto results, AppendChecked(ctx, *store, std::move(batch)));

  if (o.json) {
    nlohmann::json j = {{"task", o.task},
                        {"seq", results[0].seq},
                        {"worktree", checklist->worktree},
                        {"integration_branch", checklist->integration_branch},
                        {"inspected", c.payload}};
    *ctx.out << j.dump() << "\n";
  } else {
    PrintChecklist(o.task, spec, *checklist, *ctx.out);
    *ctx.out << "recorded inspected as seq " << results[0].seq << "\n";
  }
  if (checklist->reviewable()) return absl::OkStatus();
  return WithExitCode(absl::FailedPreconditionError(absl::StrCat(
                          o.task, " is not reviewable: ", absl::StrJoin(checklist->problems, "; "))),
                      kExitNotReviewable);
}

}  // namespace

void RegisterInspect(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<InspectOptions> o;
  CLI::App* sub =
      AddVerb(app, "inspect",
              "Check a task's delivery unit in git and record it (exit 0 reviewable, 5 not reviewable)", ctx,
              RunInspect, &o);
  sub->add_option("task", o->task, "Task id")->required();
  sub->add_option("--repo", o->repo,
                  "Repository top level (default: the recorded project root, else the git top level of cwd)");
  sub->add_flag("--json", o->json, "Print {task, seq, worktree, integration_branch, inspected} as JSON");
  sub->footer(
      "Example:\n  orch inspect T1\n"
      "Exit codes: 0 reviewable, 5 not reviewable (the checklist says why), 2 unknown task or unusable\n"
      "repository, 3 conflict, 4 store unavailable.");
}

}  // namespace orch

// orch observe [--reconcile]: compares the log with the repository (read
// with libgit2) and reports where they disagree; with --reconcile, appends
// the observed events that let the projections catch up, in one batch.
#include <filesystem>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "commands/append_event.h"
#include "commands/verbs.h"
#include "git/drift.h"
#include "git/repo_snapshot.h"
#include "git/task_git_facts.h"
#include "projections/lifecycle_guard.h"

namespace orch {

namespace {

struct ObserveOptions {
  std::string repo;
  bool reconcile = false;
  bool json = false;
};

std::vector<std::string> EventNames(const git::Finding& f) {
  std::vector<std::string> names;
  for (const EventContent& c : f.events) names.push_back(ToKebab(schema::EnumNamePayload(c.type)));
  return names;
}

nlohmann::json ReportJson(const git::Observation& o, const std::vector<AppendResult>& appended) {
  const git::RepoSnapshot& r = o.repo;
  nlohmann::json worktrees = nlohmann::json::array();
  for (const git::WorktreeEntry& w : r.worktrees) {
    worktrees.push_back({{"name", w.name},
                         {"path", w.path},
                         {"exists", w.dir_exists},
                         {"branch", w.head.branch},
                         {"head", w.head.commit}});
  }
  nlohmann::json findings = nlohmann::json::array();
  for (const git::Finding& f : o.findings) {
    findings.push_back({{"task", f.task},
                        {"kind", f.kind},
                        {"log_says", f.log_says},
                        {"git_shows", f.git_shows},
                        {"recorded", f.recorded},
                        {"events", EventNames(f)}});
  }
  nlohmann::json seqs = nlohmann::json::array();
  for (const AppendResult& a : appended) {
    if (!a.duplicate) seqs.push_back(a.seq);
  }
  return {{"repo", r.root},
          {"integration_branch", r.integration_branch},
          {"integration_head", r.integration_head.value_or("")},
          {"remote_head", r.remote_head.value_or("")},
          {"ahead_of_remote", r.vs_remote.ahead},
          {"behind_remote", r.vs_remote.behind},
          {"checkout_clean", r.checkout_status.clean()},
          {"worktrees", worktrees},
          {"tasks_checked", o.tasks_checked},
          {"findings", findings},
          {"appended", seqs}};
}

void PrintReport(const git::Observation& o, bool reconcile, const std::vector<AppendResult>& appended,
                 std::ostream& out) {
  const git::RepoSnapshot& r = o.repo;
  const auto S = [](absl::string_view s) { return EscapeForDisplay(s); };  // names from git and the log
  out << "observe " << S(r.root) << ": " << o.tasks_checked << " task(s) checked, " << r.worktrees.size()
      << " linked worktree(s)\n";
  out << "  integration " << S(r.integration_branch) << " at "
      << (r.integration_head ? git::ShortId(*r.integration_head) : std::string("(missing)"));
  if (r.remote_head) {
    out << ", " << r.vs_remote.ahead << " ahead / " << r.vs_remote.behind << " behind " << S(r.remote) << "/"
        << S(r.integration_branch);
  } else {
    out << ", no remote-tracking branch " << S(r.remote) << "/" << S(r.integration_branch);
  }
  out << (r.checkout_status.clean() ? ", checkout clean" : ", checkout dirty") << "\n";
  size_t open = 0;
  for (const git::Finding& f : o.findings) open += f.recorded ? 0 : 1;
  if (o.findings.empty()) {
    out << "no drift: the log and the repository agree\n";
  } else {
    out << "drift (" << o.findings.size() << ", " << (o.findings.size() - open) << " already recorded):\n";
    for (const git::Finding& f : o.findings) {
      out << "  " << (f.task.empty() ? "(project)" : S(f.task)) << " " << S(f.kind)
          << (f.recorded ? " [recorded]" : "") << "\n      log: " << S(f.log_says)
          << "\n      git: " << S(f.git_shows) << "\n";
    }
  }
  if (reconcile) {
    size_t fresh = 0;
    for (const AppendResult& a : appended) fresh += a.duplicate ? 0 : 1;
    out << "reconciled: " << fresh << " event(s) appended\n";
  } else if (open > 0) {
    out << "run `orch observe --reconcile` to record " << open << " finding(s)\n";
  }
}

absl::Status RunObserve(const ObserveOptions& o, CommandContext& ctx) {
  std::unique_ptr<EventWriter> writer;  // --reconcile appends
  std::unique_ptr<EventStore> reader;
  if (o.reconcile) {
    ORCH_ASSIGN_OR_RETURN(writer, OpenStoreForWrite(ctx));
  } else {
    ORCH_ASSIGN_OR_RETURN(reader, OpenStoreForRead(ctx));
  }
  EventStore* store = writer != nullptr ? writer.get() : reader.get();
  ORCH_ASSIGN_OR_RETURN(git::GitFacts facts, git::LoadGitFacts(*store));
  std::error_code ec;
  auto project = git::OpenProjectRepo(facts.project, o.repo, std::filesystem::current_path(ec).string());
  if (!project.ok()) return RepoInputError(project.status());
  const git::GitRepo& repo = *project->repo;
  auto snapshot = git::TakeSnapshot(repo, project->integration_branch, project->remote,
                                    StoreInsideCheckout(ctx, repo.workdir()));
  if (!snapshot.ok()) return RepoInputError(snapshot.status());
  // Pending setups are judged against the allowance the settings give.
  ORCH_ASSIGN_OR_RETURN(ProjectModel model, LoadModelForCheck(*store));
  const git::SetupClock clock = git::SetupClockOf(model, ctx.env->NowNanos());
  auto observation = git::Observe(repo, facts, *std::move(snapshot), clock);
  if (!observation.ok()) return RepoInputError(observation.status());

  std::vector<AppendResult> appended;
  if (o.reconcile) {
    ORCH_ASSIGN_OR_RETURN(std::vector<AppendRequest> batch,
                          git::ReconcileBatch(*ctx.schema, observation->findings));
    if (!batch.empty()) {
      ORCH_ASSIGN_OR_RETURN(appended, AppendChecked(ctx, *writer, std::move(batch)));
    }
  }
  if (o.json) {
    *ctx.out << ReportJson(*observation, appended).dump() << "\n";
  } else {
    PrintReport(*observation, o.reconcile, appended, *ctx.out);
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> StoreInsideCheckout(const CommandContext& ctx, const std::string& root) {
  if (root.empty()) return {};
  auto dir = ResolveStoreDir(ctx);
  if (!dir.ok()) return {};
  std::error_code ec;
  const std::string store = std::filesystem::weakly_canonical(*dir, ec).string();
  const std::string top = std::filesystem::weakly_canonical(root, ec).string() + "/";
  if (!absl::StartsWith(store, top)) return {};
  return {absl::StrCat(store.substr(top.size()), "/")};
}

void RegisterObserve(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<ObserveOptions> o;
  CLI::App* sub =
      AddVerb(app, "observe", "Compare the log with the repository and report drift", ctx, RunObserve, &o);
  sub->add_flag("--reconcile", o->reconcile,
                "Append the observed events (drift-detected, inspected, merged, pushed) in one batch");
  sub->add_option("--repo", o->repo,
                  "Repository top level (default: the recorded project root, else the git top level of cwd)");
  sub->add_flag("--json", o->json, "Print the report as JSON");
  sub->footer(
      "Examples:\n  orch observe\n  orch observe --reconcile --json\n"
      "Without --reconcile nothing is written. Reconciling twice appends nothing new.\n"
      "Exit codes: 0 ok (drift or not), 2 unusable repository, 4 store unavailable.");
}

}  // namespace orch

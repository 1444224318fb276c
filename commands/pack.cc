// orch pack review TASK|--package PKG, orch pack acceptance --package PKG:
// the Markdown a reviewer (a person or another model) reads, built from
// the log and the repository (projections/render/pack_markdown.h) and
// written atomically with --out (docs/cli.md#pack).
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/task_id.h"
#include "commands/projection_common.h"
#include "commands/verbs.h"
#include "git/repository.h"
#include "projections/acceptance.h"
#include "projections/lane_rules.h"
#include "projections/model_loader.h"
#include "projections/render/pack_markdown.h"

namespace orch {

namespace {

struct PackOptions {
  std::string kind;  // review, acceptance
  std::string task, package, out, repo;
  size_t max_diff_bytes = 256 * 1024;
};

// The diff of one task from its base to its branch head (or the merge
// commit once merged and the branch is gone). Problems become the pack's
// note, not errors: the pack still shows what the log knows.
void ReadDiff(git::GitRepo* repo, const std::string& repo_problem, ReviewPackTask* p) {
  const TaskFacts& f = p->task->facts;
  if (repo == nullptr) {
    p->git_problem = repo_problem;
    return;
  }
  if (f.base_commit.empty()) {
    p->git_problem = "the task names no base commit";
    return;
  }
  auto base = repo->ResolveCommit(f.base_commit);
  if (!base.ok()) {
    p->git_problem = std::string(base.status().message());
    return;
  }
  std::string head;
  if (!f.branch.empty()) {
    auto h = repo->BranchHead(f.branch);
    if (h.ok() && h->has_value()) head = **h;
  }
  if (head.empty() && p->review && !p->review->report.head.empty()) head = p->review->report.head;
  if (head.empty()) {
    p->git_problem = absl::StrCat("no branch ", f.branch, " in the repository and no reviewed head");
    return;
  }
  auto text = repo->Patch(*base, head);
  if (!text.ok()) {
    p->git_problem = std::string(text.status().message());
    return;
  }
  p->diff_range = absl::StrCat(git::ShortId(*base), "..", git::ShortId(head));
  p->diff_stat = std::move(text->stat);
  p->diff = std::move(text->patch);
}

absl::Status RunPack(const PackOptions& o, CommandContext& ctx) {
  if (o.kind == "review" && o.task.empty() == o.package.empty()) {
    return absl::InvalidArgumentError("orch pack review needs a TASK or --package PKG (one of them)");
  }
  if (o.kind == "acceptance" && o.package.empty()) {
    return absl::InvalidArgumentError("orch pack acceptance needs --package PKG");
  }
  if (!o.task.empty()) ORCH_RETURN_IF_ERROR(CheckTaskId(o.task));
  ORCH_ASSIGN_OR_RETURN(auto store, OpenStoreForRead(ctx));
  ORCH_ASSIGN_OR_RETURN(ProjectModel m, LoadProjectModel(*store, LoadOptions{}));
  std::vector<const TaskModel*> tasks;
  if (!o.task.empty()) {
    const TaskModel* t = m.FindTask(o.task);
    if (t == nullptr || t->facts.state == TaskState::kUnknown) {
      return absl::NotFoundError(absl::StrCat("unknown task '", o.task, "': no dispatched event for it"));
    }
    tasks.push_back(t);
  } else {
    if (m.FindPackage(o.package) == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("unknown lane '", o.package, "': no package-opened event for it"));
    }
    tasks = LaneTasks(m, o.package);
  }
  if (o.kind == "acceptance") {
    std::vector<std::pair<std::string, RecordedReview>> reviews;
    for (const TaskModel* t : tasks) {
      ORCH_ASSIGN_OR_RETURN(std::optional<RecordedReview> r, LoadLatestReview(*store, t->id));
      if (r) reviews.emplace_back(t->id, std::move(*r));
    }
    return WritePage(o.out, RenderAcceptancePack(m, o.package, reviews), ctx);
  }
  auto project = OpenProjectRepoFor(ctx, *store, o.repo);
  const std::string repo_problem = project.ok() ? "" : std::string(project.status().message());
  std::vector<ReviewPackTask> packs;
  for (const TaskModel* t : tasks) {
    ReviewPackTask p;
    p.task = t;
    ORCH_ASSIGN_OR_RETURN(p.review, LoadLatestReview(*store, t->id));
    ReadDiff(project.ok() ? project->repo.get() : nullptr, repo_problem, &p);
    packs.push_back(std::move(p));
  }
  // The diff budget is shared: a lane's pack stays about as large as one
  // task's.
  const size_t per_task = packs.empty() ? o.max_diff_bytes : o.max_diff_bytes / packs.size();
  const std::string title = o.task.empty() ? absl::StrCat("lane ", o.package) : o.task;
  return WritePage(o.out, RenderReviewPack(m, packs, title, per_task), ctx);
}

}  // namespace

void RegisterPack(CLI::App& app, CommandContext& ctx) {
  CLI::App* pack = app.add_subcommand("pack", "Write a review or acceptance pack (Markdown) for a reviewer");
  pack->require_subcommand(1);
  {
    auto o = std::make_shared<PackOptions>();
    o->kind = "review";
    CLI::App* sub = pack->add_subcommand(
        "review", "Contracts, acceptance reports, inspection facts, gates, diff stat and the full diff");
    sub->add_option("task", o->task, "Task id");
    sub->add_option("--package", o->package, "Every task of this lane instead of one task");
    sub->add_option("--out", o->out, "Write to FILE atomically instead of stdout");
    sub->add_option("--repo", o->repo, "Repository top level (default: the recorded project root)");
    sub->add_option(
        "--max-diff-bytes", o->max_diff_bytes,
        "Cut the diff beyond this many bytes (shared by a lane's tasks), with a note (default 262144)");
    sub->callback([o, &ctx]() { ctx.result = RunPack(*o, ctx); });
  }
  {
    auto o = std::make_shared<PackOptions>();
    o->kind = "acceptance";
    CLI::App* sub = pack->add_subcommand(
        "acceptance",
        "Every task of a lane with its verdict, evidence and risks, and what is left to close it");
    sub->add_option("--package", o->package, "The lane")->required();
    sub->add_option("--out", o->out, "Write to FILE atomically instead of stdout");
    sub->callback([o, &ctx]() { ctx.result = RunPack(*o, ctx); });
  }
  pack->footer(
      "Examples:\n  orch pack review T1 --out review-T1.md\n  orch pack review --package checkout\n"
      "  orch pack acceptance --package checkout --out acceptance.md\n"
      "Exit codes: 0 written, 2 bad input or unknown task or lane, 4 store unavailable.");
}

}  // namespace orch

// orch init: creates the store and records the loop's settings.
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "commands/append_event.h"
#include "commands/verbs.h"
#include "formats/time_spec.h"
#include "git/info_exclude.h"
#include "projections/lifecycle_guard.h"

namespace orch {

namespace {

struct InitOptions {
  std::string default_branch = "main";
  std::string remote = "origin";
  int max_concurrency = 2;
  std::string push_policy = "manual";
  std::string project_root;
  std::string at;
  bool shared_group = false;
};

absl::Status RunInit(const InitOptions& o, CommandContext& ctx) {
  ORCH_ASSIGN_OR_RETURN(std::string dir, ResolveStoreDir(ctx));
  if (o.max_concurrency < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad --max-concurrency ", o.max_concurrency, ": must be at least 1"));
  }
  ORCH_ASSIGN_OR_RETURN(auto store, OpenStoreForWrite(ctx, /*create=*/true, o.shared_group));
  EventContent c;
  c.type = EventType::ProjectInitialized;
  c.actor = "orch init";
  c.payload = {{"default_branch", o.default_branch},
               {"remote", o.remote},
               {"max_concurrency", o.max_concurrency},
               {"push_policy", o.push_policy}};
  if (!o.project_root.empty()) c.payload["project_root"] = o.project_root;
  ORCH_ASSIGN_OR_RETURN(std::string event, ctx.schema->BuildEvent(c));
  std::vector<AppendRequest> batch(1);
  batch[0].event = std::move(event);
  if (!o.at.empty()) {
    ORCH_ASSIGN_OR_RETURN(TimeSpec at, ParseTimeSpec(o.at, ctx.env->NowNanos(), LocalZone(ctx)));
    if (at.is_seq)
      return absl::InvalidArgumentError(absl::StrCat("bad --at '", o.at, "': give a time, not a seq"));
    batch[0].at_ns = at.time_ns;
  }
  ORCH_ASSIGN_OR_RETURN(auto results, AppendChecked(ctx, *store, std::move(batch)));
  *ctx.out << "initialized " << dir << " (seq " << results[0].seq << ")\n";
  // The store must not make the checkout look dirty (tools refuse to
  // dispatch into a dirty checkout); info/exclude is local, nothing is committed.
  auto excluded = git::ExcludeFromStatus(dir);
  if (!excluded.ok()) {
    *ctx.err << "orch: warning: could not keep " << dir
             << " out of git status: " << EscapeForDisplay(excluded.status().message()) << "\n";
  } else if (*excluded == git::ExcludeResult::kAdded) {
    *ctx.out << "added " << dir << " to the repository's info/exclude (git status ignores it)\n";
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterInit(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<InitOptions> o;
  CLI::App* sub =
      AddVerb(app, "init", "Create the store (if needed) and record the loop's settings", ctx, RunInit, &o);
  sub->add_option("--default-branch", o->default_branch, "Integration branch")->capture_default_str();
  sub->add_option("--remote", o->remote, "Remote the integration branch is pushed to")->capture_default_str();
  sub->add_option("--max-concurrency", o->max_concurrency, "Most workers at once")->capture_default_str();
  sub->add_option("--push-policy", o->push_policy, "manual, after-merge or never")
      ->capture_default_str()
      ->check(CLI::IsMember({"manual", "after-merge", "never"}));
  sub->add_option("--project-root", o->project_root, "Repository the loop works on (recorded only)");
  sub->add_option("--at", o->at,
                  "When the settings took effect (RFC3339, HH:MM[:SS] or 8h ago); default now");
  sub->add_flag(
      "--shared-group", o->shared_group,
      "Create the store for the directory's group too (2770, files 0660) instead of private (0700)");
  sub->footer(
      "Example:\n  orch init --default-branch main --remote origin --max-concurrency 3\n"
      "Running init again records the new settings (the log keeps the old ones); --project-root left\n"
      "out keeps the recorded root.\n"
      "A new store is private to its owner (0700, like ~/.ssh); --shared-group lets the group read and "
      "emit.");
}

}  // namespace orch

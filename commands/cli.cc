#include "commands/cli.h"

#include <algorithm>
#include <iostream>
#include <optional>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "base/display_text.h"
#include "commands/flag_names.h"
#include "commands/pinned_clock.h"
#include "commands/verbs.h"
#include "eventstore/posix_env.h"
#include "eventstore/verify_report.h"

#ifndef ORCH_VERSION
#define ORCH_VERSION "0.0.0"
#endif

namespace orch {

std::optional<size_t> VerbIndex(const std::vector<std::string>& args) {
  size_t i = 0;
  while (i < args.size() && !args[i].empty() && args[i][0] == '-') {
    i += args[i] == "--store" ? 2 : 1;  // --store=DIR is one argument
  }
  if (i >= args.size()) return std::nullopt;
  return i;
}

namespace {

// Says `s` on stderr as every failure is said, and returns its exit code.
int Fail(CommandContext& ctx, const absl::Status& s) {
  // Messages quote what the user gave: one line, no control character.
  *ctx.err << "orch: " << EscapeForDisplay(s.message()) << "\n";
  return ExitCodeFor(s);
}

void RegisterVerbs(CLI::App& app, CommandContext& ctx) {
  RegisterInit(app, ctx);
  RegisterEmit(app, ctx);
  RegisterReplay(app, ctx);
  RegisterVerify(app, ctx);
  RegisterStatus(app, ctx);
  RegisterLedger(app, ctx);
  RegisterExport(app, ctx);
  RegisterInspect(app, ctx);
  RegisterObserve(app, ctx);
  RegisterAnchor(app, ctx);
  RegisterRecover(app, ctx);
  RegisterImport(app, ctx);
  RegisterWatch(app, ctx);
  RegisterNext(app, ctx);
  RegisterHealth(app, ctx);
  RegisterContext(app, ctx);
  RegisterDispatch(app, ctx);
  RegisterLane(app, ctx);
  RegisterReview(app, ctx);
  RegisterPack(app, ctx);
  RegisterLintEvidence(app, ctx);
  RegisterMirror(app, ctx);
  RegisterServe(app, ctx);
}

// The verb word and, for emit, the event type, checked before CLI11
// parses: CLI11 would say "A subcommand is required" (or list the word
// among unexpected arguments); the command names the word instead.
absl::Status CheckVerbWords(const CLI::App& app, const CommandContext& ctx) {
  std::vector<std::string> verbs;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    verbs.push_back(sub->get_name());
  if (const std::optional<size_t> verb = VerbIndex(ctx.args);
      verb && std::find(verbs.begin(), verbs.end(), ctx.args[*verb]) == verbs.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown command '", ctx.args[*verb], "' (orch --help lists the commands)"));
  }
  return CheckEmitType(ctx.args, *ctx.schema, verbs);
}

}  // namespace

int RunCli(const std::vector<std::string>& args, CommandContext& ctx) {
  ctx.args = args;
  ctx.result = absl::OkStatus();
  if (absl::Status s = CheckArgumentsUtf8(ctx.args); !s.ok()) return Fail(ctx, s);

  CLI::App app{
      "orch records every step of an AI coding loop as an append-only, hash-chained event log\n"
      "and folds it into the answers an operator needs in the morning.",
      "orch"};
  // One spelling per flag in --help; aliases stay accepted (flag_names.h).
  // Set before the verbs are registered: sub-commands take it from here.
  app.formatter(std::make_shared<OneSpellingFormatter>());
  app.set_version_flag("--version", "orch " ORCH_VERSION);
  app.add_option("--store", ctx.store_flag,
                 "Store directory (default: $ORCH_STORE, else .orch/ at the git top level)");
  // Read before parsing by the emit client (server/client.h); accepted
  // here so direct mode takes it too.
  app.add_flag("--no-server", "Write directly instead of through `orch serve` (also ORCH_NO_SERVER=1)");
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  orch init --default-branch main --remote origin\n"
      "  orch emit dispatched --task T1 --title 'Checkout form' --branch task/t1\n"
      "  orch replay --since 22:00\n"
      "  orch verify\n"
      "Exit codes: 0 ok, 1 internal error, 2 bad input, 3 conflict, 4 store unavailable.");
  RegisterVerbs(app, ctx);
  if (absl::Status s = CheckVerbWords(app, ctx); !s.ok()) return Fail(ctx, s);

  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 parses from the back
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, *ctx.out, *ctx.err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, *ctx.out, *ctx.err);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, *ctx.out, *ctx.err);
  } catch (const CLI::ParseError& e) {
    *ctx.err << "orch: " << EscapeForDisplay(e.what()) << " (see orch --help)\n";
    return 2;
  }
  if (!ctx.result.ok()) return Fail(ctx, ctx.result);
  return 0;
}

int RunMain(const std::vector<std::string>& args,
            absl::Status (*serve)(const ServeOptions&, CommandContext&)) {
  SystemEnv env;
  // ORCH_NOW pins the clock (docs/cli.md, Environment).
  auto pinned_now = PinnedNowFromEnvironment();
  if (!pinned_now.ok()) {
    std::cerr << "orch: " << EscapeForDisplay(pinned_now.status().message()) << "\n";
    return ExitCodeFor(pinned_now.status());
  }
  std::optional<PinnedClockEnv> pinned;
  if (pinned_now->has_value()) pinned.emplace(**pinned_now);
  auto schema = EventSchema::Load();
  if (!schema.ok()) {
    std::cerr << "orch: " << schema.status().message() << "\n";
    return 1;
  }
  CommandContext ctx;
  ctx.env = pinned.has_value() ? static_cast<Env*>(&*pinned) : &env;
  ctx.schema = schema->get();
  ctx.serve = serve;
  return RunCli(args, ctx);
}

}  // namespace orch

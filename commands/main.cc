// orch: the durable memory of an AI coding loop. Parses the command line,
// runs one verb, maps its Status to an exit code (docs/cli.md).
#include <iostream>

#include "CLI/CLI.hpp"
#include "base/display_text.h"
#include "commands/command_context.h"
#include "commands/pinned_clock.h"
#include "commands/verbs.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

#ifndef ORCH_VERSION
#define ORCH_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  // Diagnostics go to stderr: stdout carries results scripts parse.
  spdlog::set_default_logger(spdlog::stderr_logger_st("orch"));
  orch::SystemEnv env;
  // ORCH_NOW pins the clock (docs/cli.md, Environment).
  auto pinned_now = orch::PinnedNowFromEnvironment();
  if (!pinned_now.ok()) {
    std::cerr << "orch: " << orch::EscapeForDisplay(pinned_now.status().message()) << "\n";
    return orch::ExitCodeFor(pinned_now.status());
  }
  std::optional<orch::PinnedClockEnv> pinned;
  if (pinned_now->has_value()) pinned.emplace(**pinned_now);
  auto schema = orch::EventSchema::Load();
  if (!schema.ok()) {
    std::cerr << "orch: " << schema.status().message() << "\n";
    return 1;
  }
  orch::CommandContext ctx;
  ctx.env = pinned.has_value() ? static_cast<orch::Env*>(&*pinned) : &env;
  ctx.schema = schema->get();
  ctx.args.assign(argv + 1, argv + argc);
  if (absl::Status s = orch::CheckArgumentsUtf8(ctx.args); !s.ok()) {
    std::cerr << "orch: " << orch::EscapeForDisplay(s.message()) << "\n";
    return orch::ExitCodeFor(s);
  }

  CLI::App app{
      "orch records every step of an AI coding loop as an append-only, hash-chained event log\n"
      "and folds it into the answers an operator needs in the morning.",
      "orch"};
  app.set_version_flag("--version", "orch " ORCH_VERSION);
  app.add_option("--store", ctx.store_flag,
                 "Store directory (default: $ORCH_STORE, else .orch/ at the git top level)");
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  orch init --default-branch main --remote origin\n"
      "  orch emit dispatched --task T1 --title 'Checkout form' --branch task/t1\n"
      "  orch replay --since 22:00\n"
      "  orch verify\n"
      "Exit codes: 0 ok, 1 internal error, 2 bad input, 3 conflict, 4 store unavailable.");
  orch::RegisterInit(app, ctx);
  orch::RegisterEmit(app, ctx);
  orch::RegisterReplay(app, ctx);
  orch::RegisterVerify(app, ctx);
  orch::RegisterStatus(app, ctx);
  orch::RegisterLedger(app, ctx);
  orch::RegisterExport(app, ctx);
  orch::RegisterInspect(app, ctx);
  orch::RegisterObserve(app, ctx);
  orch::RegisterAnchor(app, ctx);
  orch::RegisterImport(app, ctx);
  orch::RegisterWatch(app, ctx);
  orch::RegisterNext(app, ctx);
  orch::RegisterHealth(app, ctx);
  orch::RegisterContext(app, ctx);
  std::vector<std::string> verbs;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    verbs.push_back(sub->get_name());
  if (absl::Status s = orch::CheckEmitType(ctx.args, *ctx.schema, verbs); !s.ok()) {
    std::cerr << "orch: " << orch::EscapeForDisplay(s.message()) << "\n";
    return orch::ExitCodeFor(s);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "orch: " << orch::EscapeForDisplay(e.what()) << " (see orch --help)\n";
    return 2;
  }
  if (!ctx.result.ok()) {
    // Messages quote what the user gave: one line, no control character.
    std::cerr << "orch: " << orch::EscapeForDisplay(ctx.result.message()) << "\n";
    return orch::ExitCodeFor(ctx.result);
  }
  return 0;
}

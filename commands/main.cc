// orch: the durable memory of an AI coding loop. Runs one command line
// (commands/cli.h) against the real clock and files.
#include <iostream>
#include <optional>

#include "base/display_text.h"
#include "commands/cli.h"
#include "commands/pinned_clock.h"
#include "server/client.h"

int main(int argc, char** argv) {
  // An emit goes to the store's server first, before anything this
  // process would only need to do the work itself (schema, RocksDB).
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (std::optional<int> code = orch::server::RunOnServer(args, std::cout, std::cerr)) return *code;
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
  return orch::RunCli(args, ctx);
}

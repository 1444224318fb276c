// orch-serve: `orch serve` with the store's owner built in (commands/serve.h
// says why it is a binary of its own). Runs any orch command line; `orch
// serve` hands over to it with the same arguments.
#include <iostream>
#include <optional>

#include "base/display_text.h"
#include "commands/cli.h"
#include "commands/pinned_clock.h"
#include "commands/serve.h"

int main(int argc, char** argv) {
  orch::SystemEnv env;
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
  ctx.serve = &orch::RunServeOwner;
  return orch::RunCli(std::vector<std::string>(argv + 1, argv + argc), ctx);
}

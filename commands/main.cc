// orch: the durable memory of an AI coding loop. Runs one command line
// (commands/cli.h) against the real clock and files.
#include <iostream>

#include "commands/cli.h"

int main(int argc, char** argv) {
  orch::SystemEnv env;
  auto schema = orch::EventSchema::Load();
  if (!schema.ok()) {
    std::cerr << "orch: " << schema.status().message() << "\n";
    return 1;
  }
  orch::CommandContext ctx;
  ctx.env = &env;
  ctx.schema = schema->get();
  return orch::RunCli(std::vector<std::string>(argv + 1, argv + argc), ctx);
}

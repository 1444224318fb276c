// orch-serve: `orch serve` with the store's owner built in (commands/serve.h
// says why it is a binary of its own). Runs any orch command line; `orch
// serve` hands over to it with the same arguments.
#include <string>
#include <vector>

#include "commands/cli.h"
#include "commands/serve.h"

int main(int argc, char** argv) {
  return orch::RunMain(std::vector<std::string>(argv + 1, argv + argc), &orch::RunServeOwner);
}

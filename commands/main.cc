// orch-cli: the whole command line (commands/cli.h) against the real clock
// and files. `orch` (launcher_main.cc) sends an emit to the store's server
// itself and hands everything else here: this process never asks a server
// a second time.
#include <string>
#include <vector>

#include "commands/cli.h"

int main(int argc, char** argv) { return orch::RunMain(std::vector<std::string>(argv + 1, argv + argc)); }

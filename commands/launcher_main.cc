// orch: the command every caller runs. An emit is sent to the store's
// server from this small program (server/client.h); everything else, and
// an emit no server can take, is handed to orch-cli beside it (same
// arguments, same pid) — the full command line, whose start-up (RocksDB,
// libgit2, the NATS client and their static initialisers) would otherwise
// be most of every emit's time (docs/serve.md).
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "server/client.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (std::optional<int> code = orch::server::RunOnServer(args, std::cout, std::cerr)) return *code;
  std::cout.flush();
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::string cli = (self.parent_path() / "orch-cli").string();
  ::execv(cli.c_str(), argv);
  std::cerr << "orch: cannot run " << cli << ": " << std::strerror(errno)
            << " (orch needs orch-cli beside it)\n";
  return 1;
}

// Benchmark baseline: what the predecessor does for every event. Read the
// whole JSON ledger, parse it, append one event, write it all back to a
// temporary file, fsync, rename.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "nlohmann/json.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::string path = argv[1];
  nlohmann::json ledger;
  {
    std::ifstream in(path);
    ledger = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  }
  if (ledger.is_discarded()) return 1;
  ledger["events"].push_back({{"type", "note"},
                              {"task", "T1"},
                              {"at", "2026-11-25T03:00:00Z"},
                              {"payload", {{"text", "baseline"}}}});
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << ledger.dump();
    if (!out) return 1;
  }
  int fd = open(tmp.c_str(), O_WRONLY);
  if (fd < 0 || fsync(fd) != 0) return 1;
  close(fd);
  return std::rename(tmp.c_str(), path.c_str()) == 0 ? 0 : 1;
}

// orch serve against direct emits, in one run (docs/benchmarks.md,
// "orch serve"): whole-process `orch emit` medians through a running
// server and in direct mode, the floor (one JSON line appended and
// fdatasynced), the sqlite3 command line inserting one row with
// synchronous=full, and the throughput of concurrent emitting processes
// through the server and directly.
//
//   build/tools/bench_serve --orch build/commands/orch [--tasks 500] [--runs 60] [--procs 16] [--each 20]
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tools/bench_process.h"

namespace {

using orch::bench::Median;
using orch::bench::RunProcess;

std::string Arg(int argc, char** argv, const std::string& name, const std::string& dflt) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == name) return argv[i + 1];
  return dflt;
}

double Throughput(const std::vector<std::string>& argv_base, int procs, int each, int* failures) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  std::vector<int> failed(procs, 0);
  for (int p = 0; p < procs; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < each; ++i) {
        std::vector<std::string> argv = argv_base;
        argv.push_back("p" + std::to_string(p) + "-" + std::to_string(i));
        if (!RunProcess(argv).ok()) ++failed[p];
      }
    });
  }
  for (auto& t : threads) t.join();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  *failures = 0;
  for (int f : failed) *failures += f;
  return (procs * each - *failures) / s;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string orch =
      std::filesystem::absolute(Arg(argc, argv, "--orch", "build/commands/orch")).string();
  const int tasks = std::stoi(Arg(argc, argv, "--tasks", "500"));
  const int runs = std::stoi(Arg(argc, argv, "--runs", "60"));
  const int procs = std::stoi(Arg(argc, argv, "--procs", "16"));
  const int each = std::stoi(Arg(argc, argv, "--each", "20"));
  const std::string floor_bin =
      (std::filesystem::path(argv[0]).parent_path() / "baseline_append_line").string();
  char tmpl[] = "/tmp/bench-serve-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string store = dir + "/store";

  // A store of `tasks` dispatched tasks, written directly in one batch.
  setenv("ORCH_NO_SERVER", "1", 1);
  unsetenv("ORCH_SERVE_IDLE_EXIT");
  if (!RunProcess({orch, "--store", store, "init"}).ok()) return 1;
  {
    std::ofstream batch(dir + "/tasks.jsonl");
    for (int t = 0; t < tasks; ++t) {
      batch << "{\"type\":\"dispatched\",\"task\":\"B" << t << "\",\"payload\":{\"title\":\"bench " << t
            << "\"}}\n";
    }
  }
  if (std::system(
          (orch + " --store " + store + " emit --jsonl " + dir + "/tasks.jsonl >/dev/null").c_str()) != 0)
    return 1;
  const std::vector<std::string> emit = {orch, "--store", store, "emit", "heartbeat", "--source"};
  const std::string sqlite_db = dir + "/bench.db";
  std::system(("sqlite3 " + sqlite_db + " 'CREATE TABLE e(seq INTEGER PRIMARY KEY, body TEXT);'").c_str());
  const std::string sqlite_sql =
      "PRAGMA synchronous=FULL; INSERT INTO e(body) VALUES('{\"type\":\"heartbeat\",\"source\":\"bench\"}');";

  // Interleaved, one of each in turn, so load changes hit all alike. The
  // server is started by the first server-mode emit and stays up (idle
  // exit 10m); direct emits pass --no-server... which would make it step
  // aside, so direct mode runs against a stopped server in its own round.
  unsetenv("ORCH_NO_SERVER");
  std::vector<double> served, floor, sqlite;
  std::vector<std::string> served_argv = emit;
  served_argv.push_back("served");
  RunProcess(served_argv);  // starts the server
  for (int i = 0; i < runs; ++i) {
    served.push_back(RunProcess(served_argv).ms);
    floor.push_back(RunProcess({floor_bin, dir + "/floor.jsonl"}).ms);
    sqlite.push_back(RunProcess({"/usr/bin/sqlite3", sqlite_db, sqlite_sql}).ms);
  }
  int served_failures = 0;
  const double served_tput = Throughput(emit, procs, each, &served_failures);
  RunProcess({orch, "--store", store, "serve", "--stop"});

  setenv("ORCH_NO_SERVER", "1", 1);
  std::vector<double> direct, floor2;
  std::vector<std::string> direct_argv = emit;
  direct_argv.push_back("direct");
  for (int i = 0; i < runs; ++i) {
    direct.push_back(RunProcess(direct_argv).ms);
    floor2.push_back(RunProcess({floor_bin, dir + "/floor.jsonl"}).ms);
  }
  int direct_failures = 0;
  const double direct_tput = Throughput(emit, procs, each, &direct_failures);

  const double f = Median(floor), f2 = Median(floor2);
  std::printf("store: %d tasks; %d runs each; medians of whole processes\n", tasks, runs);
  std::printf("orch emit through the server      %7.2f ms  %.2fx the floor\n", Median(served),
              Median(served) / f);
  std::printf("append one line + fdatasync       %7.2f ms  (the floor, server round)\n", f);
  std::printf("sqlite3 insert, synchronous=full  %7.2f ms  %.2fx the floor\n", Median(sqlite),
              Median(sqlite) / f);
  std::printf("orch emit, direct mode            %7.2f ms  %.2fx the floor of its round (%.2f ms)\n",
              Median(direct), Median(direct) / f2, f2);
  std::printf("%d processes x %d emits, through the server: %8.0f events/s (%d failed)\n", procs, each,
              served_tput, served_failures);
  std::printf("%d processes x %d emits, direct:             %8.0f events/s (%d failed)\n", procs, each,
              direct_tput, direct_failures);
  std::filesystem::remove_all(dir);
  return 0;
}

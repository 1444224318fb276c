// bench_contention: many `orch emit` processes at once while readers run,
// the design brief's "many processes may emit at the same moment" under
// load (figures for docs/benchmarks.md).
//
//   bench_contention [--orch PATH] [--procs 128] [--each 5] [--runs 3]
//                    [--reader-pause-ms 100]
//
// Each run: a fresh store; `orch replay -f` follows it; one thread runs
// `orch status` and `orch verify` in turn (pausing between rounds) until
// the emitters are done;
// --procs threads each run --each `orch emit note --task T` processes one
// after another (T shared by some processes, owned by others),
// all starting together. Reports per run and as medians over runs: wall
// time, emits/s, emit latency (median, p90, max), emits that failed or
// printed anything on stderr, reader runs and failures; then checks the
// log: every acknowledged event present, gap-free, verify intact.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tools/bench_flags.h"
#include "tools/bench_process.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Captured {
  int exit_code = -1;
  double ms = 0;
  std::string out, err;
};

// Runs argv; collects stdout and stderr (each read on its own thread).
Captured RunCaptured(const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) std::exit(1);
  const auto start = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  Captured c;
  auto drain = [](int fd, std::string* into) {
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0) into->append(buf, static_cast<size_t>(n));
    close(fd);
  };
  std::thread err_reader(drain, err_pipe[0], &c.err);
  drain(out_pipe[0], &c.out);
  err_reader.join();
  int status = 0;
  waitpid(pid, &status, 0);
  c.ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return c;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

struct RunFigures {
  double wall_s = 0, emits_per_s = 0, median_ms = 0, p90_ms = 0, max_ms = 0;
  int failed = 0, noisy = 0, reads = 0, reads_failed = 0;
  bool log_ok = false;
};

RunFigures OneRun(const std::string& orch, const std::string& store, int procs, int each,
                  int reader_pause_ms) {
  RunFigures f;
  if (RunCaptured({orch, "--store", store, "init"}).exit_code != 0) {
    std::cerr << "init failed\n";
    std::exit(1);
  }
  const pid_t follower = fork();
  if (follower == 0) {
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    execl(orch.c_str(), "orch", "--store", store.c_str(), "replay", "-f", "--poll", "0.1", nullptr);
    _exit(127);
  }
  std::atomic<bool> emitting{true};
  std::thread readers([&] {
    while (emitting) {
      for (const char* verb : {"status", "verify"}) {
        Captured c = RunCaptured({orch, "--store", store, verb});
        ++f.reads;
        if (c.exit_code != 0) ++f.reads_failed;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(reader_pause_ms));
    }
  });
  std::vector<std::vector<Captured>> results(procs);
  std::vector<std::thread> emitters;
  const auto start = Clock::now();
  for (int i = 0; i < procs; ++i) {
    emitters.emplace_back([&, i] {
      for (int j = 0; j < each; ++j) {
        // Tasks some processes share and others own: each batch writes
        // its task's guard row, which `verify` recomputes afterwards.
        const std::string task = i % 2 == 0 ? "D" + std::to_string(i) : "S" + std::to_string(i % 3);
        results[i].push_back(RunCaptured({orch, "--store", store, "emit", "note", "--task", task, "--text",
                                          "p" + std::to_string(i) + "-" + std::to_string(j)}));
      }
    });
  }
  for (auto& t : emitters) t.join();
  f.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  emitting = false;
  readers.join();
  kill(follower, SIGINT);
  waitpid(follower, nullptr, 0);

  std::vector<double> ms;
  for (const auto& per : results) {
    for (const auto& c : per) {
      ms.push_back(c.ms);
      if (c.exit_code != 0) ++f.failed;
      if (!c.err.empty()) ++f.noisy;
    }
  }
  f.emits_per_s = ms.size() / f.wall_s;
  f.median_ms = Percentile(ms, 0.5);
  f.p90_ms = Percentile(ms, 0.9);
  f.max_ms = Percentile(ms, 1.0);
  Captured replay = RunCaptured({orch, "--store", store, "replay", "--format", "jsonl"});
  size_t lines = 0, expect = 1;
  bool gap_free = true;
  for (size_t pos = 0; pos < replay.out.size();) {
    const size_t end = replay.out.find('\n', pos);
    const std::string line = replay.out.substr(pos, end - pos);
    const std::string want = "\"seq\":" + std::to_string(expect++) + ",";
    gap_free = gap_free && line.find(want) != std::string::npos;
    ++lines;
    pos = end == std::string::npos ? replay.out.size() : end + 1;
  }
  const bool verified = RunCaptured({orch, "--store", store, "verify"}).exit_code == 0;
  f.log_ok = replay.exit_code == 0 && gap_free && verified &&
             lines == static_cast<size_t>(1 + procs * each - f.failed);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  std::string orch = "build/commands/orch";
  int procs = 128, each = 5, runs = 3, reader_pause_ms = 100;
  orch::bench::BenchFlags(
      "bench_contention [--orch PATH] [--procs 128] [--each 5] [--runs 3] [--reader-pause-ms 100]")
      .Add("--orch", &orch)
      .Add("--procs", &procs)
      .Add("--each", &each)
      .Add("--runs", &runs)
      .Add("--reader-pause-ms", &reader_pause_ms)
      .Parse(argc, argv);
  orch = std::filesystem::absolute(orch).string();
  char tmpl[] = "/tmp/orch-contention-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  std::vector<double> wall, rate, median, p90, max;
  bool all_ok = true;
  std::printf("%d processes x %d emits, with replay -f and a status + verify loop (%d ms pause) running\n",
              procs, each, reader_pause_ms);
  std::printf("%4s %8s %9s %10s %8s %8s %7s %6s %10s %6s\n", "run", "wall s", "emits/s", "median ms",
              "p90 ms", "max ms", "failed", "noisy", "reads(bad)", "log");
  for (int r = 0; r < runs; ++r) {
    const std::string store = dir + "/store" + std::to_string(r);
    RunFigures f = OneRun(orch, store, procs, each, reader_pause_ms);
    std::printf("%4d %8.2f %9.1f %10.1f %8.1f %8.1f %7d %6d %6d(%d) %6s\n", r + 1, f.wall_s, f.emits_per_s,
                f.median_ms, f.p90_ms, f.max_ms, f.failed, f.noisy, f.reads, f.reads_failed,
                f.log_ok ? "ok" : "BAD");
    std::fflush(stdout);
    wall.push_back(f.wall_s);
    rate.push_back(f.emits_per_s);
    median.push_back(f.median_ms);
    p90.push_back(f.p90_ms);
    max.push_back(f.max_ms);
    all_ok = all_ok && f.failed == 0 && f.noisy == 0 && f.reads_failed == 0 && f.log_ok;
    std::filesystem::remove_all(store);
  }
  using orch::bench::Median;
  std::printf("%4s %8.2f %9.1f %10.1f %8.1f %8.1f  (medians over %d runs)\n", "med", Median(wall),
              Median(rate), Median(median), Median(p90), Median(max), runs);
  std::filesystem::remove_all(dir);
  return all_ok ? 0 : 1;
}

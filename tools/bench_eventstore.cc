// bench_eventstore: the event log's speed and memory, against baselines
// measured in the same run (figures for docs/benchmarks.md and issue notes).
//
//   bench_eventstore [--orch PATH] [--events 100000] [--replay-events 1000000]
//                    [--runs 60] [--dir DIR]
//
// Whole-process figures (median of --runs, interleaved so load hits all alike):
//   orch emit            one event appended by the real binary to a store of --events
//   baseline_bare_rocksdb    open a RocksDB store, one synced put, close
//   baseline_append_line     floor: append one JSON line + fdatasync
//   baseline_rewrite_ledger  the predecessor: read, parse, append to and rewrite
//                            a whole JSON ledger holding the same events, + fsync
// In-process figures: single synced appends/s, batched appends/s, replay
// (scan + verify + decode) of --replay-events events/s and that replay's
// peak RSS. Heavy work runs in child processes so the parent stays small and
// its pages do not count towards a child's peak.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "eventstore/logged_event.h"
#include "eventstore/posix_env.h"
#include "nlohmann/json.hpp"
#include "schema/event_schema.h"
#include "tools/bench_flags.h"
#include "tools/bench_process.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

using orch::bench::Median;
using orch::bench::RunProcess;
using ProcResult = orch::bench::ProcessRun;

// --- helpers ---

struct Options {
  std::string orch = "build/commands/orch";
  std::string dir;
  size_t events = 100000;
  size_t replay_events = 1000000;
  int runs = 60;
  std::string self;
};

std::vector<orch::AppendRequest> MakeBatch(orch::EventSchema& schema, size_t first, size_t n, size_t tasks) {
  std::vector<orch::AppendRequest> batch;
  batch.reserve(n);
  for (size_t i = first; i < first + n; ++i) {
    orch::EventContent c;
    c.type = orch::EventType::Note;
    c.task = "T" + std::to_string(i % tasks);
    c.actor = "bench";
    c.payload = {{"text", "event " + std::to_string(i) + " of the benchmark night"}};
    batch.push_back(orch::AppendRequest{*schema.BuildEvent(c), std::nullopt, std::nullopt});
  }
  return batch;
}

std::unique_ptr<orch::EventWriter> OpenStore(const std::string& dir, orch::Env* env) {
  orch::StoreOptions o;
  o.env = env;
  o.create_if_missing = true;
  auto s = orch::OpenEventWriter(dir, o);
  if (!s.ok()) {
    std::cerr << "open " << dir << ": " << s.status() << "\n";
    std::exit(1);
  }
  return *std::move(s);
}

// Runs fn in a child process and returns the double it reports, so the
// memory it needs never counts towards this process.
template <typename Fn>
double InChild(Fn fn) {
  int fds[2];
  if (pipe(fds) != 0) std::exit(1);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const double v = fn();
    if (write(fds[1], &v, sizeof(v)) != sizeof(v)) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  double v = 0;
  if (read(fds[0], &v, sizeof(v)) != sizeof(v)) v = -1;
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::cerr << "a benchmark step failed\n";
    std::exit(1);
  }
  return v;
}

// Fills `dir` with `n` events in synced batches of `batch` (in a child);
// returns appended events/s, counting only Append (payloads are built first).
double Fill(const std::string& dir, size_t n, size_t batch) {
  return InChild([&] {
    orch::SystemEnv env;
    auto schema = *orch::EventSchema::Load();
    auto store = OpenStore(dir, &env);
    double secs = 0;
    for (size_t i = 0; i < n; i += batch) {
      auto b = MakeBatch(*schema, i, std::min(batch, n - i), 100);
      const auto start = Clock::now();
      if (!store->Append(std::move(b)).ok()) std::exit(1);
      secs += Ms(Clock::now() - start) / 1000;
    }
    return n / secs;
  });
}

// Peak resident memory of this process, from the kernel (VmHWM), in KiB.
long PeakRssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

// Replays the whole log in process: scan, verify each record, decode its
// payload. Prints "count events/s peak-rss-kib".
int ReplayChild(const std::string& dir) {
  orch::SystemEnv env;
  orch::StoreOptions o;
  o.env = &env;
  auto store = orch::OpenEventWriter(dir, o);
  if (!store.ok()) return 1;
  uint64_t n = 0, bytes = 0;
  const auto start = Clock::now();
  auto s = (*store)->Scan(orch::EventQuery{}, [&](const orch::LoggedEvent& e) {
    ++n;
    const auto* note = e.event().payload_as_Note();
    bytes += note != nullptr && note->text() != nullptr ? note->text()->size() : 0;
    return true;
  });
  const double secs = Ms(Clock::now() - start) / 1000;
  std::printf("%llu %.0f %ld\n", static_cast<unsigned long long>(n), n / secs, PeakRssKib());
  return s.ok() && bytes > 0 ? 0 : 1;
}

// The baselines' files, holding the same events as the store.
void WriteBaselineFiles(const std::string& store, const std::string& jsonl, const std::string& ledger) {
  InChild([&] {
    orch::SystemEnv env;
    auto s = OpenStore(store, &env);
    std::ofstream lines(jsonl);
    std::ofstream whole(ledger);
    whole << "{\"version\":1,\"events\":[";
    bool first = true;
    const absl::Status scanned = s->Scan(orch::EventQuery{}, [&](const orch::LoggedEvent& e) {
      nlohmann::json j = {{"seq", e.seq()},
                          {"type", "note"},
                          {"task", std::string(e.task())},
                          {"at", e.time_ns()},
                          {"payload", {{"text", e.event().payload_as_Note()->text()->str()}}}};
      const std::string text = j.dump();
      lines << text << "\n";
      whole << (first ? "" : ",") << text;
      first = false;
      return true;
    });
    whole << "]}";
    if (!scanned.ok()) std::exit(1);
    return 0.0;
  });
}

// Three in-process replays of `big`, each in a child of its own (so its
// peak RSS is its own): events/s and the largest peak RSS. False on failure.
bool TimeReplayChildren(const Options& o, const std::string& big, std::vector<double>* replay_rates,
                        long* replay_rss) {
  for (int i = 0; i < 3; ++i) {
    int pipefd[2];
    if (pipe(pipefd) != 0) return false;
    pid_t pid = fork();
    if (pid == 0) {
      dup2(pipefd[1], 1);
      execl(o.self.c_str(), o.self.c_str(), "replay-child", big.c_str(), nullptr);
      _exit(127);
    }
    close(pipefd[1]);
    char buf[256] = {0};
    ssize_t n = read(pipefd[0], buf, sizeof(buf) - 1);
    close(pipefd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    unsigned long long count = 0;
    double rate = 0;
    long rss = 0;
    if (n <= 0 || std::sscanf(buf, "%llu %lf %ld", &count, &rate, &rss) != 3 || count != o.replay_events) {
      std::cerr << "replay child failed\n";
      return false;
    }
    replay_rates->push_back(rate);
    *replay_rss = std::max(*replay_rss, rss);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  o.self = std::filesystem::canonical("/proc/self/exe").string();
  if (argc == 3 && std::string(argv[1]) == "replay-child") return ReplayChild(argv[2]);
  orch::bench::BenchFlags(
      "bench_eventstore [--orch PATH] [--events N] [--replay-events N] [--runs N] [--dir DIR]")
      .Add("--orch", &o.orch)
      .Add("--dir", &o.dir)
      .Add("--events", &o.events)
      .Add("--replay-events", &o.replay_events)
      .Add("--runs", &o.runs)
      .Parse(argc, argv);
  o.orch = std::filesystem::absolute(o.orch).string();
  const std::string tools = std::filesystem::path(o.self).parent_path().string();
  const bool own_dir = o.dir.empty();
  if (own_dir) {
    char tmpl[] = "/tmp/orch-bench-XXXXXX";
    o.dir = mkdtemp(tmpl);
  }

  std::cerr << "filling a store of " << o.events << " events...\n";
  const std::string store = o.dir + "/store";
  Fill(store, o.events, 1000);
  std::cerr << "writing the baselines' files...\n";
  const std::string jsonl = o.dir + "/events.jsonl", ledger = o.dir + "/ledger.json";
  WriteBaselineFiles(store, jsonl, ledger);

  std::cerr << "timing whole processes, " << o.runs << " runs each...\n";
  std::vector<double> emit_ms, line_ms, ledger_ms, version_ms, bare_ms;
  for (int i = 0; i < o.runs; ++i) {
    emit_ms.push_back(
        RunProcess({o.orch, "--store", store, "emit", "note", "--task", "T1", "--text", "bench"}).ms);
    line_ms.push_back(RunProcess({tools + "/baseline_append_line", jsonl}).ms);
    version_ms.push_back(RunProcess({o.orch, "--version"}).ms);
    bare_ms.push_back(RunProcess({tools + "/baseline_bare_rocksdb", o.dir + "/bare"}).ms);
    if (i < std::max(5, o.runs / 6))
      ledger_ms.push_back(RunProcess({tools + "/baseline_rewrite_ledger", ledger}).ms);
  }

  std::cerr << "in-process appends...\n";
  const double single_rate = Fill(o.dir + "/single", 2000, 1);
  const double batch_rate = Fill(o.dir + "/batched", 200000, 1000);

  std::cerr << "filling " << o.replay_events << " events for replay...\n";
  const std::string big = o.dir + "/replay";
  Fill(big, o.replay_events, 1000);
  std::vector<double> replay_rates;
  long replay_rss = 0;
  if (!TimeReplayChildren(o, big, &replay_rates, &replay_rss)) return 1;
  std::vector<double> cli_replay_ms;
  long cli_replay_rss = 0;
  for (int i = 0; i < 3; ++i) {
    ProcResult r = RunProcess({o.orch, "--store", big, "replay", "--format", "jsonl"});
    cli_replay_ms.push_back(r.ms);
    cli_replay_rss = std::max(cli_replay_rss, r.max_rss_kib);
  }

  const double emit = Median(emit_ms), line = Median(line_ms), led = Median(ledger_ms);
  const double ver = Median(version_ms), bare = Median(bare_ms);
  std::printf("\norch event log benchmark (store of %zu events; replay of %zu)\n", o.events, o.replay_events);
  std::printf("%-48s %12s\n", "measure", "median");
  std::printf("%-48s %9.2f ms\n", "orch emit, whole process", emit);
  std::printf("%-48s %9.2f ms\n", "orch --version (start-up alone)", ver);
  std::printf("%-48s %9.2f ms   (emit = %.2fx)\n", "baseline: bare RocksDB open + synced put + close", bare,
              emit / bare);
  std::printf("%-48s %9.2f ms   (emit = %.1fx)\n", "baseline: append one JSON line + fdatasync", line,
              emit / line);
  std::printf("%-48s %9.2f ms   (emit is %.0fx faster)\n", "baseline: rewrite whole JSON ledger + fsync", led,
              led / emit);
  std::printf("%-48s %9.0f events/s\n", "in-process append, single synced events", single_rate);
  std::printf("%-48s %9.0f events/s\n", "in-process append, synced batches of 1000", batch_rate);
  std::printf("%-48s %9.0f events/s, peak RSS %.1f MiB\n", "in-process replay (scan+verify+decode)",
              Median(replay_rates), replay_rss / 1024.0);
  std::printf("%-48s %9.0f events/s, peak RSS %.1f MiB\n", "orch replay --format jsonl, whole process",
              o.replay_events / (Median(cli_replay_ms) / 1000), cli_replay_rss / 1024.0);
  if (own_dir) std::filesystem::remove_all(o.dir);
  return 0;
}

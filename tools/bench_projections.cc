// bench_projections: how fast the status pages come back as the log grows.
//
//   bench_projections --orch PATH [--events 1000000] [--tasks 10000]
//                     [--small-events 1000] [--runs 7] [--dir DIR]
//
// Builds two logs in-process with the EventStore API (big unguarded batches,
// one task lifecycle per task, interleaved as a loop with several workers
// would) and times whole `orch` processes on them (median of --runs):
//   status (warm)     `orch status` with a checkpoint at the head
//   status html       `orch status --format html` (also reads the tasks'
//                     details part of the checkpoint, for the picture)
//   rebuild           `orch status --rebuild`: fold every event again
//   export (warm)     `orch export --dir` (ledger.json, status.json/.md/.html)
//   small status      `orch status` on a log of --small-events events
// Not a test: run by hand, figures go to the closing note.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "events_generated.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "eventstore/posix_env.h"
#include "flatbuffers/flatbuffers.h"
#include "tools/bench_flags.h"
#include "tools/bench_process.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fb = flatbuffers;
namespace s = orch::schema;

constexpr int64_t kStart = 1795557600LL * 1'000'000'000;  // 2026-11-24T22:00:00Z
constexpr int64_t kStep = 50'000'000;                     // 50 ms between events

struct Options {
  std::string orch;
  std::string dir = "/tmp/orch-bench-projections";
  size_t events = 1'000'000;
  size_t tasks = 10'000;
  size_t small_events = 1'000;
  int runs = 7;
};

// One finished Event buffer.
template <typename F>
std::string Build(const std::string& task, s::Payload type, F&& payload, const char* evidence = nullptr) {
  fb::FlatBufferBuilder b(256);
  const fb::Offset<void> p = payload(b);
  auto e = s::CreateEventDirect(b, task.empty() ? nullptr : task.c_str(), "bench", s::Claim::reported,
                                nullptr, evidence, nullptr, type, p);
  b.Finish(e, "ORCH");  // the schema's file_identifier, as EventSchema writes it
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

// The i-th event of a task's life, which has `n` events in all.
std::string TaskEvent(const std::string& t, size_t i, size_t n) {
  const std::string branch = "task/" + t;
  if (i == 0) {
    return Build(t, s::Payload::Dispatched, [&](fb::FlatBufferBuilder& b) {
      return s::CreateDispatchedDirect(b, ("Task " + t).c_str(), "lane", branch.c_str(), "a1b2c3d4",
                                       ("wt-" + t).c_str(), nullptr, nullptr, nullptr, "local", "w1")
          .Union();
    });
  }
  if (i == 1) {
    return Build(t, s::Payload::WorktreeReady, [&](fb::FlatBufferBuilder& b) {
      return s::CreateWorktreeReadyDirect(b, ("/wt/" + t).c_str(), branch.c_str(), "a1b2c3d4", "thread")
          .Union();
    });
  }
  const size_t tail = n - i;  // 7..1 for the closing events
  if (tail <= 7) {
    switch (tail) {
      case 7:
        return Build(
            t, s::Payload::Gate,
            [&](fb::FlatBufferBuilder& b) {
              return s::CreateGateDirect(b, "make test", s::GateResult::pass, "local", "logs/test.txt")
                  .Union();
            },
            "local");
      case 6:
        return Build(t, s::Payload::Completed, [&](fb::FlatBufferBuilder& b) {
          return s::CreateCompletedDirect(b, "review.md", "local", "c0ffee").Union();
        });
      case 5:
        return Build(t, s::Payload::ReviewStarted, [&](fb::FlatBufferBuilder& b) {
          return s::CreateReviewStartedDirect(b, "lead").Union();
        });
      case 4:
        return Build(
            t, s::Payload::Reviewed,
            [&](fb::FlatBufferBuilder& b) {
              return s::CreateReviewedDirect(b, s::Verdict::accepted, "lead").Union();
            },
            "local");
      case 3:
        return Build(t, s::Payload::Merged, [&](fb::FlatBufferBuilder& b) {
          return s::CreateMergedDirect(b, "m0", "main").Union();
        });
      case 2:
        return Build(t, s::Payload::Pushed, [&](fb::FlatBufferBuilder& b) {
          return s::CreatePushedDirect(b, "origin", "m0", "main").Union();
        });
      default:
        return Build(t, s::Payload::Cleaned,
                     [&](fb::FlatBufferBuilder& b) { return s::CreateCleaned(b, true, true).Union(); });
    }
  }
  if (i % 3 == 0) {
    return Build(t, s::Payload::Gate, [&](fb::FlatBufferBuilder& b) {
      return s::CreateGateDirect(b, "make test", s::GateResult::pass, "local", "logs/test.txt").Union();
    });
  }
  if (i % 7 == 0) {
    return Build(t, s::Payload::Note, [&](fb::FlatBufferBuilder& b) {
      return s::CreateNoteDirect(b, "worker says it is making progress").Union();
    });
  }
  return Build(t, s::Payload::Committed, [&](fb::FlatBufferBuilder& b) {
    std::vector<fb::Offset<fb::String>> files = {b.CreateString("src/" + t + "/a.cc")};
    return s::CreateCommittedDirect(b, "c0ffee0123456789", &files, "step").Union();
  });
}

std::string Heartbeat(int64_t at) {
  return Build("", s::Payload::Heartbeat, [&](fb::FlatBufferBuilder& b) {
    return s::CreateHeartbeatDirect(b, "cron", at + 1800LL * 1'000'000'000).Union();
  });
}

// Writes `events` events over `tasks` tasks, 8 tasks in flight at a time.
void FillLog(const std::string& dir, size_t events, size_t tasks) {
  std::filesystem::remove_all(dir);
  orch::SystemEnv env;
  orch::StoreOptions o;
  o.env = &env;
  o.create_if_missing = true;
  auto store = orch::OpenEventWriter(dir, o);
  if (!store.ok()) {
    std::fprintf(stderr, "open %s: %s\n", dir.c_str(), std::string(store.status().message()).c_str());
    std::exit(1);
  }
  const size_t per_task = std::max<size_t>(events / tasks, 10);
  constexpr size_t kInFlight = 8;
  std::vector<orch::AppendRequest> batch;
  size_t written = 0;
  int64_t at = kStart;
  auto push = [&](std::string bytes) {
    batch.push_back(orch::AppendRequest{std::move(bytes), at, std::nullopt});
    at += kStep;
    if (batch.size() == 10'000) {
      if (!(*store)->Append(std::move(batch)).ok()) std::exit(1);
      batch.clear();
    }
    ++written;
  };
  for (size_t group = 0; group < tasks && written < events; group += kInFlight) {
    const size_t width = std::min(kInFlight, tasks - group);
    for (size_t i = 0; i < per_task && written < events; ++i) {
      for (size_t k = 0; k < width && written < events; ++k) {
        const std::string t = "T" + std::to_string(group + k + 1);
        // The last groups stay unfinished: their lives are cut short.
        const bool last = group + kInFlight >= tasks;
        push(TaskEvent(t, i, last ? per_task + 100 : per_task));
      }
      if (written % 500 < width) push(Heartbeat(at));
    }
  }
  if (!batch.empty() && !(*store)->Append(std::move(batch)).ok()) std::exit(1);
  std::printf("built %s: %zu events, %zu tasks, head #%llu\n", dir.c_str(), written, tasks,
              static_cast<unsigned long long>((*store)->head().seq));
}

// Runs argv with stdout to /dev/null; returns wall milliseconds. Exits on failure.
double TimeProcess(const std::vector<std::string>& argv) {
  const orch::bench::ProcessRun r = orch::bench::RunProcess(argv);
  if (!r.ok()) {
    std::fprintf(stderr, "failed:");
    for (const auto& a : argv) std::fprintf(stderr, " %s", a.c_str());
    std::fprintf(stderr, "\n");
    std::exit(1);
  }
  return r.ms;
}

double Median(const std::vector<std::string>& argv, int runs) {
  std::vector<double> v;
  for (int i = 0; i < runs; ++i) v.push_back(TimeProcess(argv));
  return orch::bench::Median(v);
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) n += e.file_size();
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  orch::bench::BenchFlags(
      "bench_projections --orch PATH [--events N] [--tasks N] [--small-events N] [--runs N] [--dir DIR]")
      .Add("--orch", &o.orch)
      .Add("--dir", &o.dir)
      .Add("--events", &o.events)
      .Add("--tasks", &o.tasks)
      .Add("--small-events", &o.small_events)
      .Add("--runs", &o.runs)
      .Parse(argc, argv);
  if (o.orch.empty()) {
    std::fprintf(stderr,
                 "usage: bench_projections --orch PATH [--events N] [--tasks N] [--runs N] [--dir DIR]\n");
    return 2;
  }
  const std::string big = o.dir + "/big", small = o.dir + "/small", pages = o.dir + "/pages";
  const auto t0 = Clock::now();
  FillLog(big, o.events, o.tasks);
  std::printf("  (written in %.1f s)\n", std::chrono::duration<double>(Clock::now() - t0).count());
  FillLog(small, o.small_events, std::max<size_t>(o.small_events / 100, 1));
  const auto orch = [&](const std::string& store, std::vector<std::string> args) {
    args.insert(args.begin(), {o.orch, "--store", store});
    return args;
  };
  const int rebuild_runs = std::max(3, o.runs / 2);
  const double rebuild =
      Median(orch(big, {"status", "--rebuild"}), rebuild_runs);  // also leaves a checkpoint
  const double warm = Median(orch(big, {"status"}), o.runs);
  const double warm_json = Median(orch(big, {"status", "--json"}), o.runs);
  const double warm_html = Median(orch(big, {"status", "--format", "html"}), o.runs);
  const double exp = Median(orch(big, {"export", "--dir", pages}), o.runs);
  TimeProcess(orch(small, {"status"}));  // checkpoint the small log
  const double small_warm = Median(orch(small, {"status"}), o.runs);
  std::printf("\n%-52s %9s\n", "whole orch process (median)", "ms");
  std::printf("%-52s %9.1f  (runs %d)\n",
              ("status --rebuild, " + std::to_string(o.events) + " events").c_str(), rebuild, rebuild_runs);
  std::printf("%-52s %9.1f\n", "status, warm checkpoint", warm);
  std::printf("%-52s %9.1f\n", "status --json, warm checkpoint", warm_json);
  std::printf("%-52s %9.1f\n", "status --format html, warm checkpoint", warm_html);
  std::printf("%-52s %9.1f\n", "export (4 files), warm checkpoint", exp);
  std::printf("%-52s %9.1f\n", ("status, warm, " + std::to_string(o.small_events) + " events").c_str(),
              small_warm);
  std::printf("\nstore %s: %.1f MB; pages: ledger.json %.1f MB, status.html %.2f MB\n", big.c_str(),
              DirBytes(big) / 1e6, std::filesystem::file_size(pages + "/ledger.json") / 1e6,
              std::filesystem::file_size(pages + "/status.html") / 1e6);
  return 0;
}

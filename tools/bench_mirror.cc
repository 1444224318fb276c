// bench_mirror: `orch mirror` into a local single-node JetStream stream
// (docs/benchmarks.md, "Mirror").
//
//   1. throughput: a log of --events events (notes on --tasks tasks, so
//      many subjects) mirrored by one `orch mirror --once`, as events/s;
//      then a second --once with nothing left to send (the comparison
//      with the stream at start);
//   2. lag: `orch mirror --follow` while events are appended at --rate a
//      second for --seconds; each event's lag is the time the stream
//      stored its message (the server's timestamp) minus the time the
//      store appended it (the record's time): median and p99.
//
// Starts its own nats-server -js on a free loopback port with its files in
// a temporary directory and stops it by pid.
//
//   bench_mirror [--orch build/commands/orch] [--nats-server /usr/sbin/nats-server]
//                [--events 100000] [--tasks 1000] [--rate 100] [--seconds 30] [--poll 0.1]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "eventstore/posix_env.h"
#include "mirror/jetstream.h"
#include "mirror/mirror_message.h"
#include "schema/event_schema.h"
#include "tools/bench_flags.h"
#include "tools/bench_process.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string orch = "build/commands/orch";
  std::string nats_server = "/usr/sbin/nats-server";
  size_t events = 100000;
  size_t tasks = 1000;
  int rate = 100;
  int seconds = 30;
  std::string poll = "0.1";
};

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

pid_t Spawn(const std::vector<std::string>& argv, const std::string& log) {
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(out, 1);
    dup2(out, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

void Stop(pid_t pid, int sig) {
  kill(pid, sig);
  int status = 0;
  waitpid(pid, &status, 0);
}

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "bench_mirror: " << what << "\n";
  std::exit(1);
}

std::unique_ptr<orch::EventWriter> OpenWriter(const std::string& dir, orch::Env* env) {
  orch::StoreOptions o;
  o.env = env;
  o.create_if_missing = true;
  auto s = orch::OpenEventWriter(dir, o);
  if (!s.ok()) Die("open " + dir + ": " + std::string(s.status().message()));
  return std::move(*s);
}

orch::AppendRequest Note(orch::EventSchema& schema, size_t i, size_t tasks) {
  orch::EventContent c;
  c.type = orch::EventType::Note;
  c.task = "T" + std::to_string(i % tasks);
  c.actor = "bench";
  c.payload = {{"text", "event " + std::to_string(i) + " of the benchmark night"}};
  return orch::AppendRequest{*schema.BuildEvent(c), std::nullopt, std::nullopt};
}

uint64_t ProjectMessages(orch::mirror::JetStreamClient& js, const std::string& project) {
  auto s = js.Summary("ORCH", orch::mirror::ProjectFilter(project));
  return s.ok() ? s->matching : 0;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// The JetStream client of the nats-server at `url`, once it answers.
std::unique_ptr<orch::mirror::JetStreamClient> ConnectJetStream(const std::string& url,
                                                                const std::string& dir) {
  std::unique_ptr<orch::mirror::JetStreamClient> js;
  for (int i = 0; i < 200 && !js; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    orch::mirror::ConnectOptions co;
    co.url = url;
    auto c = orch::mirror::JetStreamClient::Connect(co);
    if (c.ok()) js = std::move(*c);
  }
  if (!js) Die("nats-server did not come up (see " + dir + "/nats-server.log)");

  return js;
}

// Everything a measurement needs.
struct Run {
  const Options& o;
  std::string dir, url;
  orch::mirror::JetStreamClient& js;
  orch::EventSchema& schema;
  orch::Env* env;
};

// 1. Throughput: `mirror --once` over a store of o.events, then again with nothing to send.
void MeasureThroughput(const Run& r) {
  {  // the writer closes before the mirror reads
    auto store = OpenWriter(r.dir + "/big", r.env);
    for (size_t first = 0; first < r.o.events; first += 10000) {
      std::vector<orch::AppendRequest> batch;
      for (size_t i = first; i < std::min(r.o.events, first + 10000); ++i)
        batch.push_back(Note(r.schema, i, r.o.tasks));
      if (!store->Append(std::move(batch)).ok()) Die("append");
    }
  }
  const auto once = orch::bench::RunProcess(
      {r.o.orch, "--store", r.dir + "/big", "mirror", "--nats", r.url, "--project", "big", "--once"});
  if (!once.ok()) Die("mirror --once failed");
  const auto again = orch::bench::RunProcess(
      {r.o.orch, "--store", r.dir + "/big", "mirror", "--nats", r.url, "--project", "big", "--once"});
  const uint64_t held = ProjectMessages(r.js, "big");
  std::printf(
      "throughput: %zu events (%zu tasks) in %.1f s = %.0f events/s; stream holds %llu; "
      "a second --once (nothing to send) %.0f ms; peak RSS %ld MiB\n",
      r.o.events, r.o.tasks, once.ms / 1000, r.o.events / (once.ms / 1000),
      static_cast<unsigned long long>(held), again.ms, once.max_rss_kib / 1024);
}

// 2. Lag of --follow behind appends at o.rate a second.
void MeasureLag(const Run& r) {
  auto store = OpenWriter(r.dir + "/lag", r.env);
  std::vector<orch::AppendRequest> first;
  first.push_back(Note(r.schema, 0, r.o.tasks));
  if (!store->Append(std::move(first)).ok()) Die("append");
  const pid_t follower = Spawn({r.o.orch, "--store", r.dir + "/lag", "mirror", "--nats", r.url, "--project",
                                "lag", "--follow", "--poll", r.o.poll},
                               r.dir + "/follow.log");
  while (ProjectMessages(r.js, "lag") < 1) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const size_t n = static_cast<size_t>(r.o.rate) * r.o.seconds;
  const auto start = Clock::now();
  for (size_t i = 1; i <= n; ++i) {
    std::this_thread::sleep_until(start +
                                  std::chrono::microseconds(static_cast<int64_t>(i * 1e6 / r.o.rate)));
    std::vector<orch::AppendRequest> one;
    one.push_back(Note(r.schema, i, r.o.tasks));
    if (!store->Append(std::move(one)).ok()) Die("append");
  }
  while (ProjectMessages(r.js, "lag") < n + 1) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Stop(follower, SIGTERM);
  std::vector<double> lags_ms;
  auto read =
      r.js.ReadAll("ORCH", orch::mirror::ProjectFilter("lag"), 1, [&](const orch::mirror::StreamMessage& m) {
        auto e = orch::mirror::ParseEventMessage(m);
        if (e.ok() && e->event.seq() > 1) lags_ms.push_back((m.time_ns - e->event.time_ns()) / 1e6);
        return true;
      });
  if (!read.ok()) Die("read the stream");
  std::printf(
      "lag of --follow --poll %s at %d events/s for %d s (%zu events): median %.1f ms, p99 %.1f ms, "
      "max %.1f ms\n",
      r.o.poll.c_str(), r.o.rate, r.o.seconds, lags_ms.size(), Percentile(lags_ms, 0.5),
      Percentile(lags_ms, 0.99), Percentile(lags_ms, 1.0));
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  orch::bench::BenchFlags(
      "bench_mirror [--orch PATH] [--nats-server PATH] [--events N] [--tasks N] [--rate N] [--seconds N] "
      "[--poll S]")
      .Add("--orch", &o.orch)
      .Add("--nats-server", &o.nats_server)
      .Add("--events", &o.events)
      .Add("--tasks", &o.tasks)
      .Add("--rate", &o.rate)
      .Add("--seconds", &o.seconds)
      .Add("--poll", &o.poll)
      .Parse(argc, argv);
  o.orch = fs::absolute(o.orch).string();
  const std::string dir = fs::temp_directory_path() / ("bench_mirror." + std::to_string(getpid()));
  fs::create_directories(dir);
  const int port = FreePort();
  const std::string url = "nats://127.0.0.1:" + std::to_string(port);
  const pid_t server =
      Spawn({o.nats_server, "-js", "-a", "127.0.0.1", "-p", std::to_string(port), "-sd", dir + "/jetstream"},
            dir + "/nats-server.log");
  std::unique_ptr<orch::mirror::JetStreamClient> js = ConnectJetStream(url, dir);
  orch::SystemEnv env;
  auto loaded = orch::EventSchema::Load();
  if (!loaded.ok()) Die("schema");
  const Run run{o, dir, url, *js, **loaded, &env};
  MeasureThroughput(run);
  MeasureLag(run);
  js.reset();
  Stop(server, SIGTERM);
  fs::remove_all(dir);
  return 0;
}

// `orch serve` under the hostile loads of issue 19 (docs/benchmarks.md,
// "Under hostile clients"): /healthz latency (a fresh TCP connection per
// probe, whole round trip) and emits through the server, first with no
// load (the baseline of the same run), then under each load:
//
//   socket-stall   100 unix-socket clients that send 2 bytes of a length
//                  prefix and wait
//   socket-huge    4 unix-socket clients announcing 150 MiB frames that
//                  trickle bytes (the server's RSS is printed)
//   slowloris      100 HTTP clients sending one header byte every 0.5 s
//   live-streams   40 open /live streams (32 are served, 8 refused)
//   sse-left       right after 200 /live clients connected and left
//
//   build/tools/bench_hostile --orch build/commands/orch [--probes 20]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "tools/bench_process.h"

namespace {

using orch::bench::Median;
using orch::bench::RunProcess;
using Clock = std::chrono::steady_clock;

std::string Arg(int argc, char** argv, const std::string& name, const std::string& dflt) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == name) return argv[i + 1];
  return dflt;
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

int ConnectTcp(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

int ConnectUnix(const std::string& path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", path.c_str());
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void SendAll(int fd, const std::string& s) { (void)!send(fd, s.data(), s.size(), MSG_NOSIGNAL); }

// Reads until the response head is in, the peer closes, or `timeout_ms`.
std::string ReadHead(int fd, int timeout_ms) {
  std::string got;
  const auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (got.find("\r\n\r\n") == std::string::npos) {
    const int left =
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count());
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || poll(&p, 1, left) <= 0) break;
    char buf[2048];
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

// One /healthz round trip in ms; -1 when no answer within 10 s.
double Probe(int port) {
  const auto start = Clock::now();
  const int fd = ConnectTcp(port);
  if (fd < 0) return -1;
  SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  const std::string head = ReadHead(fd, 10000);
  close(fd);
  if (head.rfind("HTTP/1.1 200", 0) != 0) return -1;
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

long RssKib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

// What a phase leaves open: sockets and the threads that keep feeding them.
struct Load {
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  std::vector<int> fds;
  void End() {
    stop = true;
    for (auto& t : threads) t.join();
    threads.clear();
    for (int fd : fds)
      if (fd >= 0) close(fd);
    fds.clear();
    stop = false;
  }
};

// The loads, each against a server on `port` owning the socket `sock`.
void StallUnixClients(Load& load, int port, const std::string& sock) {
  for (int i = 0; i < 100; ++i) {
    const int fd = ConnectUnix(sock);
    if (fd >= 0) SendAll(fd, std::string("\0\0", 2));
    load.fds.push_back(fd);
  }
}

void AnnounceHugeFrames(Load& load, int port, const std::string& sock) {
  for (int i = 0; i < 4; ++i) {
    const int fd = ConnectUnix(sock);
    const uint32_t n = htonl(150u << 20);
    SendAll(fd, std::string(reinterpret_cast<const char*>(&n), 4));
    load.fds.push_back(fd);
    load.threads.emplace_back([&load, fd] {
      const std::string chunk(64 << 10, 'x');
      while (!load.stop) {
        if (send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
  }
}

void Slowloris(Load& load, int port, const std::string& sock) {
  std::vector<int> slow;
  for (int i = 0; i < 100; ++i) slow.push_back(ConnectTcp(port));
  load.fds.insert(load.fds.end(), slow.begin(), slow.end());
  load.threads.emplace_back([&load, slow] {
    const std::string line = "GET /healthz HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    for (size_t k = 0; !load.stop; ++k) {
      for (int fd : slow) SendAll(fd, std::string(1, line[k % line.size()]));
      for (int i = 0; i < 5 && !load.stop; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
}

// `count` /live streams; kept open in `load`, or closed at once.
void LiveStreams(Load& load, int port, int count, bool keep) {
  std::vector<int> streams;
  for (int i = 0; i < count; ++i) {
    const int fd = ConnectTcp(port);
    SendAll(fd, "GET /live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    streams.push_back(fd);
  }
  for (int fd : streams) ReadHead(fd, 2000);
  for (int fd : streams) keep ? load.fds.push_back(fd) : static_cast<void>(close(fd));
}

struct Phase {
  std::string name;
  std::function<void(Load&, int port, const std::string& sock)> start;
};

const std::vector<Phase>& Phases() {
  static const std::vector<Phase> phases = {
      {"no load (baseline)", [](Load&, int, const std::string&) {}},
      {"socket-stall: 100 unix clients, 2 bytes of a prefix", StallUnixClients},
      {"socket-huge: 4 unix clients announcing 150 MiB", AnnounceHugeFrames},
      {"slowloris: 100 HTTP clients, a header byte per 0.5 s", Slowloris},
      {"live-streams: 40 open /live",
       [](Load& l, int port, const std::string&) { LiveStreams(l, port, 40, true); }},
      {"sse-left: 200 /live clients came and left",
       [](Load& l, int port, const std::string&) { LiveStreams(l, port, 200, false); }},
  };
  return phases;
}

// `orch serve --http` on the store, logging into dir/serve.log; returns
// its pid once /healthz answers.
pid_t StartServer(const std::string& orch, const std::string& store, const std::string& dir, int port) {
  const pid_t server = fork();
  if (server == 0) {
    const std::string bind = "127.0.0.1:" + std::to_string(port);
    const int log = open((dir + "/serve.log").c_str(), O_WRONLY | O_CREAT, 0600);
    dup2(log, 1);
    dup2(log, 2);
    execl(orch.c_str(), orch.c_str(), "--store", store.c_str(), "serve", "--http", bind.c_str(),
          "--idle-exit", "1h", static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 500 && Probe(port) < 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return server;
}

struct Bench {
  std::string orch, store, sock;
  int port = 0, probes = 0;
  pid_t server = 0;
  double baseline = 0;  // the unloaded phase's /healthz median
};

// Runs one phase: its load, then `probes` health probes and emits; prints a row.
void RunPhase(Bench& b, const Phase& phase) {
  Load load;
  phase.start(load, b.port, b.sock);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::vector<double> health, emits;
  int failed = 0, acked = 0;
  for (int i = 0; i < b.probes; ++i) {
    const double ms = Probe(b.port);
    if (ms < 0)
      ++failed;
    else
      health.push_back(ms);
    const auto r = RunProcess({b.orch, "--store", b.store, "emit", "note", "--task", "H", "--text", "probe"});
    if (r.ok()) {
      ++acked;
      emits.push_back(r.ms);
    }
  }
  const long rss = RssKib(b.server);
  load.End();
  const double p50 = Median(health);
  if (b.baseline == 0) b.baseline = p50;
  double max = 0;
  for (double h : health) max = std::max(max, h);
  std::printf("%-54s %7.2f ms  %6.1f ms %6.2f ms %5d/%-3d %7ld KiB  (%.1fx baseline; %d probes unanswered)\n",
              phase.name.c_str(), p50, max, Median(emits), acked, b.probes, rss, p50 / b.baseline, failed);
  std::fflush(stdout);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // let the server drop what the load left
}

}  // namespace

int main(int argc, char** argv) {
  Bench b;
  b.orch = std::filesystem::absolute(Arg(argc, argv, "--orch", "build/commands/orch")).string();
  b.probes = std::stoi(Arg(argc, argv, "--probes", "20"));
  signal(SIGPIPE, SIG_IGN);
  char tmpl[] = "/tmp/bench-hostile-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  b.store = dir + "/store";
  b.sock = b.store + "/serve.sock";
  setenv("ORCH_NO_SERVER", "1", 1);
  if (!RunProcess({b.orch, "--store", b.store, "init"}).ok()) return 1;
  unsetenv("ORCH_NO_SERVER");
  b.port = FreePort();
  b.server = StartServer(b.orch, b.store, dir, b.port);

  std::printf("%-54s %9s %9s %9s %8s %10s\n", "load", "health p50", "max", "emit p50", "emits ok",
              "server RSS");
  for (const Phase& phase : Phases()) RunPhase(b, phase);
  RunProcess({b.orch, "--store", b.store, "serve", "--stop"});
  int status = 0;
  waitpid(b.server, &status, 0);
  const bool verified = RunProcess({b.orch, "--store", b.store, "verify"}).ok();
  std::printf("orch verify after the run: %s\n", verified ? "ok" : "FAILED");
  std::filesystem::remove_all(dir);
  return verified ? 0 : 1;
}

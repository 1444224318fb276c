// orch serve against real stores: many emitting processes, a server killed
// in a storm, stale sockets, two would-be owners, direct writers, and the
// same log through the server as without it.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "eventstore/posix_env.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/client.h"
#include "server/endpoint.h"
#include "tests/projections/night_fixture.h"
#include "tests/serve/serve_support.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

class ServeTest : public ServeFixture {};

std::vector<nlohmann::json> Replay(const std::string& store) {
  RunResult r = Orch(store, {"replay", "--format", "jsonl"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<nlohmann::json> out;
  for (absl::string_view line : absl::StrSplit(r.out, '\n', absl::SkipEmpty())) {
    out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

TEST_F(ServeTest, SixtyFourConcurrentEmittersEachAcknowledgedOnceGapFree) {
  constexpr int kProcs = 64;
  std::vector<RunResult> results(kProcs);
  std::vector<std::thread> threads;
  for (int i = 0; i < kProcs; ++i) {
    threads.emplace_back([&, i] {
      results[i] = Emit({"heartbeat", "--source", "p" + std::to_string(i), "--json"});
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(ServerPid() > 0) << "the emits started a server";
  std::map<std::string, uint64_t> acked;  // source -> seq
  for (int i = 0; i < kProcs; ++i) {
    ASSERT_EQ(results[i].exit_code, 0) << results[i].err;
    auto j = nlohmann::json::parse(results[i].out);
    acked["p" + std::to_string(i)] = j["seq"].get<uint64_t>();
  }
  const std::vector<nlohmann::json> log = Replay(store_);
  ASSERT_EQ(log.size(), size_t{kProcs} + 1);  // + project-initialized
  std::map<std::string, int> seen;
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i]["seq"].get<uint64_t>(), i + 1) << "gap-free";
    if (log[i]["type"] != "heartbeat") continue;
    const std::string source = log[i]["payload"]["source"];
    ++seen[source];
    EXPECT_EQ(acked[source], log[i]["seq"].get<uint64_t>())
        << source << "'s acknowledged seq holds its event";
  }
  EXPECT_EQ(seen.size(), size_t{kProcs});
  for (const auto& [source, n] : seen) EXPECT_EQ(n, 1) << source;
  EXPECT_EQ(Orch(store_, {"verify"}).exit_code, 0);
}

TEST_F(ServeTest, SigkillDuringAStormLosesNoAcknowledgedEvent) {
  ASSERT_EQ(Emit({"heartbeat", "--source", "first"}).exit_code, 0);
  const pid_t first = ServerPid();
  ASSERT_GT(first, 0);
  constexpr int kProcs = 24, kEach = 6;
  std::atomic<int> acked_count{0};
  std::mutex mu;
  std::map<std::string, uint64_t> acked;
  std::vector<std::thread> threads;
  for (int p = 0; p < kProcs; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < kEach; ++i) {
        const std::string source = "p" + std::to_string(p) + "-" + std::to_string(i);
        RunResult r = Emit({"heartbeat", "--source", source, "--json"});
        // Exit 4 is allowed only for a request the dead server had read
        // and not answered: it may or may not be in the log.
        if (r.exit_code == 0) {
          std::lock_guard<std::mutex> l(mu);
          acked[source] = nlohmann::json::parse(r.out)["seq"].get<uint64_t>();
          ++acked_count;
        } else {
          EXPECT_EQ(r.exit_code, 4) << r.err;
        }
      }
    });
  }
  while (acked_count < kProcs) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  for (auto& t : threads) t.join();

  // Every acknowledged event is in the log, at the seq it was acknowledged with.
  std::map<uint64_t, std::string> by_seq;
  for (const nlohmann::json& e : Replay(store_)) {
    if (e["type"] == "heartbeat") by_seq[e["seq"].get<uint64_t>()] = e["payload"]["source"];
  }
  EXPECT_GE(acked.size(), size_t{kProcs});
  for (const auto& [source, seq] : acked) EXPECT_EQ(by_seq[seq], source);
  // The next emit has a server again: a new one.
  ASSERT_EQ(Emit({"heartbeat", "--source", "after"}).exit_code, 0);
  const pid_t second = ServerPid();
  EXPECT_GT(second, 0);
  EXPECT_NE(second, first);
  RunResult verify = Orch(store_, {"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(ServeTest, TheFixtureNightGivesAByteIdenticalLedgerThroughTheServerAndDirectly) {
  const std::string direct = tmp_.Sub("direct"), served = tmp_.Sub("served");
  // Empty stores: the fixture brings its own project-initialized.
  for (const std::string& s : {direct, served}) {
    SystemEnv env;
    StoreOptions o;
    o.env = &env;
    o.create_if_missing = true;
    ASSERT_TRUE(OpenEventWriter(s, o).ok());
  }
  // One process per event, as agents emit; the fixture dates every event.
  for (const std::string& line : NightLines()) {
    RunResult d = orch::testing::Run({OrchBin(), "--store", direct, "emit", "--json", line});
    ASSERT_EQ(d.exit_code, 0) << d.err;
    RunResult s = orch::testing::Run({OrchBin(), "--store", served, "emit", "--json", line}, "", ServerEnv());
    ASSERT_EQ(s.exit_code, 0) << s.err;
    EXPECT_EQ(d.out, s.out);
  }
  EXPECT_GT(orch::testing::ServerPid(served), 0) << "the served store's emits went through a server";
  StopServer(served);
  const std::vector<std::string> ledger = Pinned({"ledger"});
  RunResult a = Orch(direct, ledger), b = Orch(served, ledger);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_GT(a.out.size(), 1000u);
  // The logs themselves: same events, same hashes.
  EXPECT_EQ(Orch(direct, {"replay", "--format", "jsonl"}).out,
            Orch(served, {"replay", "--format", "jsonl"}).out);
}

TEST_F(ServeTest, AStaleSocketIsReplacedAndASecondServerIsRefused) {
  // A socket file nobody listens on, as a killed server leaves it.
  const std::string sock = store_ + "/serve.sock";
  {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ::close(fd);
  }
  ASSERT_TRUE(std::filesystem::exists(sock));
  RunResult r = Emit({"heartbeat", "--source", "x"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const pid_t pid = ServerPid();
  ASSERT_GT(pid, 0);
  // A second server of the same store gives up at once; the first serves on.
  RunResult second = Orch(store_, {"serve"});
  EXPECT_EQ(second.exit_code, 3) << second.err;
  EXPECT_NE(second.err.find("another server owns"), std::string::npos) << second.err;
  EXPECT_EQ(ServerPid(), pid);
  EXPECT_EQ(Emit({"heartbeat", "--source", "y"}).exit_code, 0);
  EXPECT_EQ(ServerPid(), pid);
}

TEST_F(ServeTest, ADirectWriterMakesTheServerStepAside) {
  ASSERT_EQ(Emit({"heartbeat", "--source", "a"}).exit_code, 0);
  const pid_t pid = ServerPid();
  ASSERT_GT(pid, 0);
  // --no-server queues for the writer's lock; the server lets go of it.
  RunResult direct = orch::testing::Run(
      {OrchBin(), "--store", store_, "emit", "heartbeat", "--source", "b", "--no-server"}, "", ServerEnv());
  EXPECT_EQ(direct.exit_code, 0) << direct.err;
  EXPECT_EQ(Emit({"heartbeat", "--source", "c"}).exit_code, 0);
  const pid_t next = ServerPid();
  EXPECT_GT(next, 0);
  EXPECT_NE(next, pid);
  const std::vector<nlohmann::json> log = Replay(store_);
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[2]["payload"]["source"], "b");
}

TEST_F(ServeTest, AStartedServerKeepsNoDescriptorOfTheEmitter) {
  // A pipe the emitter inherits (as from a caller waiting for its EOF).
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    for (const auto& [k, v] : ServerEnv()) ::setenv(k.c_str(), v.c_str(), 1);
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::close(fds[0]);  // keeps fds[1], not close-on-exec
    ::execl(OrchBin().c_str(), "orch", "--store", store_.c_str(), "emit", "heartbeat", "--source", "x",
            nullptr);
    ::_exit(127);
  }
  ::close(fds[1]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_GT(ServerPid(), 0) << "the emit started a server";
  // No writer is left: EOF at once, not EAGAIN (the server holding it).
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
  char c;
  EXPECT_EQ(::read(fds[0], &c, 1), 0) << "the server holds the emitter's pipe open";
  ::close(fds[0]);
}

TEST_F(ServeTest, SigtermStopsCleanlyAfterTheRequestsItRead) {
  ServerProcess server(store_, {});
  ASSERT_TRUE(server.running());
  const pid_t pid = ServerPid();
  ASSERT_GT(pid, 0);
  // A storm, and SIGTERM in the middle of it: every emit still succeeds
  // (read ones finish; unread ones retry on a server of their own).
  std::vector<RunResult> results(16);
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] { results[i] = Emit({"heartbeat", "--source", "s" + std::to_string(i)}); });
  }
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  RunResult finished = server.Finish();
  for (auto& t : threads) t.join();
  EXPECT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_NE(finished.err.find("stopped (a signal)"), std::string::npos) << finished.err;
  for (const RunResult& r : results) EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Replay(store_).size(), 17u);
  StopServer(store_);
  EXPECT_EQ(Orch(store_, {"verify"}).exit_code, 0);
}

TEST_F(ServeTest, ErrorsAndStdinBatchesAreTheSameThroughTheServer) {
  // A refusal: same exit code and message as direct.
  RunResult served = Emit({"worktree-ready", "--task", "NOPE"});
  EXPECT_GT(ServerPid(), 0);
  RunResult direct = Orch(store_, {"emit", "worktree-ready", "--task", "NOPE"});  // the server steps aside
  EXPECT_EQ(served.exit_code, direct.exit_code);
  EXPECT_EQ(served.err, direct.err);
  EXPECT_NE(served.exit_code, 0);
  // --jsonl - carries the client's standard input.
  RunResult batch = orch::testing::Run(
      {OrchBin(), "--store", store_, "emit", "--jsonl", "-"}, "", ServerEnv(),
      "{\"type\":\"heartbeat\",\"source\":\"s1\"}\n{\"type\":\"heartbeat\",\"source\":\"s2\"}\n");
  ASSERT_EQ(batch.exit_code, 0) << batch.err;
  EXPECT_EQ(Replay(store_).size(), 3u);
}

// One emit path: the front client forwards the command line as bytes and
// the command line the server runs validates it, so bad input gets the same
// exit code and the same one line through the server as directly. Before,
// invalid UTF-8 aborted the client (exit 134: it re-encoded argv as JSON).
TEST_F(ServeTest, BadInputIsTheSameOneLineThroughTheServerAsDirectly) {
  ASSERT_EQ(Emit({"package-opened", "--package-id", "web"}).exit_code, 0);
  ASSERT_EQ(Emit({"dispatched", "--task", "T1", "--title", "t", "--package-id", "web"}).exit_code, 0);
  struct Case {
    std::vector<std::string> args;
    std::string stdin_text;
  };
  const std::vector<Case> cases = {
      {{"note", "--task", "T1", "--text", "\xff"}, ""},
      {{"note", "--task", "T\xff1", "--text", "x"}, ""},
      {{"dispatched", "--task", "T2", "--title", "a\xc3"}, ""},
      {{"note", "--text", "x", "--note", "\xe2\x82"}, ""},
      {{"\xff"}, ""},
      {{"--jsonl", "-"}, "{\"type\":\"note\",\"text\":\"\xff\"}\n"},
      {{"--jsonl", "-"}, std::string((64 << 20) + 10, ' ')},
      {{"--json", "{\"type\":\"note\",\"text\":\"ab\xff\"}"}, ""},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {OrchBin(), "--store", store_, "emit"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    RunResult served = orch::testing::Run(argv, "", ServerEnv(), c.stdin_text);
    RunResult direct = orch::testing::Run(argv, "", {{"ORCH_NO_SERVER", "1"}}, c.stdin_text);
    const std::string what = c.args.back().substr(0, 40);
    EXPECT_EQ(served.exit_code, 2) << what << ": " << served.err;
    EXPECT_EQ(served.exit_code, direct.exit_code) << what;
    EXPECT_EQ(served.err, direct.err) << what;
    EXPECT_EQ(served.out, direct.out) << what;
    EXPECT_EQ(std::count(served.err.begin(), served.err.end(), '\n'), 1) << what << ": " << served.err;
  }
  EXPECT_EQ(Replay(store_).size(), 3u);  // nothing of it was recorded
}

// 64 processes x 5 emits through the auto-started server on tasks some of
// them share and others own. Before, group commit bound a batch's guard
// rows to the group's head, and `orch verify` failed ("guard row
// 'lifecycle/D17' says it covers seq 316 but is bound to seq 317"), also
// after the server stopped.
TEST_F(ServeTest, AStormOnSharedAndDistinctTasksLeavesAStoreThatVerifies) {
  constexpr int kProcs = 64, kEach = 5;
  std::vector<std::vector<RunResult>> results(kProcs);
  std::vector<std::thread> threads;
  for (int i = 0; i < kProcs; ++i) {
    threads.emplace_back([&, i] {
      const std::string task = i % 2 == 0 ? "D" + std::to_string(i) : "S" + std::to_string(i % 3);
      for (int j = 0; j < kEach; ++j) results[i].push_back(Emit({"note", "--task", task, "--text", "n"}));
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& per : results)
    for (const RunResult& r : per) ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Replay(store_).size(), size_t{kProcs * kEach + 1});
  RunResult verify = Orch(store_, {"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  StopServer(store_);
  verify = Orch(store_, {"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

// An auto-started server whose store directory is removed exits at once
// (before, it idled for its whole idle time, 10 minutes by default).
TEST_F(ServeTest, AServerWhoseStoreIsRemovedExits) {
  const std::string gone = tmp_.Sub("gone");
  ASSERT_EQ(Orch(gone, {"init"}).exit_code, 0);
  std::vector<std::string> argv = {OrchBin(), "--store", gone, "emit", "note", "--text", "x"};
  ASSERT_EQ(orch::testing::Run(argv, "", {{"ORCH_NO_SERVER", ""}, {"ORCH_SERVE_IDLE_EXIT", "10m"}}).exit_code,
            0);
  const pid_t pid = testing::ServerPid(gone);
  ASSERT_GT(pid, 0);
  std::filesystem::remove_all(gone);
  bool exited = false;
  for (int i = 0; i < 100 && !exited; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    exited = ::kill(pid, 0) != 0;
  }
  EXPECT_TRUE(exited) << "the server of a removed store is still running";
  if (!exited) ::kill(pid, SIGKILL);
}

}  // namespace
}  // namespace orch::testing

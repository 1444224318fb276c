// Many short emit processes at once, and an emit loop killed mid-flight.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

std::vector<nlohmann::json> ReplayJsonl(const std::string& store) {
  RunResult r = Orch(store, {"replay", "--format", "jsonl"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<nlohmann::json> out;
  for (absl::string_view line : absl::StrSplit(r.out, '\n', absl::SkipEmpty())) {
    out.push_back(nlohmann::json::parse(std::string(line)));
  }
  return out;
}

TEST(ConcurrencyTest, ThirtyTwoEmittersAtOnceAllLandGapFree) {
  TempDir tmp;
  const std::string store = tmp.Sub("store");
  ASSERT_EQ(Orch(store, {"init"}).exit_code, 0);
  constexpr int kProcs = 32;
  std::vector<RunResult> results(kProcs);
  std::vector<std::thread> threads;
  for (int i = 0; i < kProcs; ++i) {
    threads.emplace_back([&, i] {
      results[i] = Orch(store, {"emit", "note", "--text", "from " + std::to_string(i)});
    });
  }
  for (auto& t : threads) t.join();
  std::set<uint64_t> printed;
  for (const auto& r : results) {
    ASSERT_EQ(r.exit_code, 0) << r.err;
    uint64_t seq = 0;
    ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(r.out), &seq))
        << "out: " << r.out << " err: " << r.err;
    printed.insert(seq);
  }
  EXPECT_EQ(printed.size(), static_cast<size_t>(kProcs)) << "a sequence was handed out twice";
  auto events = ReplayJsonl(store);
  ASSERT_EQ(events.size(), static_cast<size_t>(kProcs + 1));
  std::set<std::string> texts;
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i]["seq"].get<uint64_t>(), i + 1) << "gap in the sequence";
    if (i > 0) {
      EXPECT_TRUE(printed.count(i + 1));
      texts.insert(events[i]["payload"]["text"].get<std::string>());
    }
  }
  EXPECT_EQ(texts.size(), static_cast<size_t>(kProcs)) << "an event was lost or duplicated";
  EXPECT_EQ(Orch(store, {"verify"}).exit_code, 0);
}

TEST(CrashTest, EmitLoopKilledMidFlightLosesNothingItAcknowledged) {
  TempDir tmp;
  const std::string store = tmp.Sub("store");
  ASSERT_EQ(Orch(store, {"init"}).exit_code, 0);
  int out_pipe[2];
  ASSERT_EQ(pipe(out_pipe), 0);
  const std::string loop =
      "i=0; while true; do i=$((i+1)); \"$ORCH\" --store \"$STORE\" emit note --text \"n$i\" || exit 9; done";
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    dup2(out_pipe[1], 1);
    close(out_pipe[0]);
    close(out_pipe[1]);
    setenv("ORCH", OrchBin().c_str(), 1);
    setenv("STORE", store.c_str(), 1);
    execl("/bin/sh", "sh", "-c", loop.c_str(), nullptr);
    _exit(127);
  }
  setpgid(pid, pid);
  close(out_pipe[1]);
  // Read acknowledgements until 25 arrived, then kill the whole group
  // (shell and the orch in flight) without warning.
  std::string got;
  char buf[4096];
  while (std::count(got.begin(), got.end(), '\n') < 25) {
    ssize_t n = read(out_pipe[0], buf, sizeof(buf));
    ASSERT_GT(n, 0);
    got.append(buf, static_cast<size_t>(n));
  }
  kill(-pid, SIGKILL);
  ssize_t n;
  while ((n = read(out_pipe[0], buf, sizeof(buf))) > 0) got.append(buf, static_cast<size_t>(n));
  close(out_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));

  std::set<uint64_t> acknowledged;
  for (absl::string_view line : absl::StrSplit(got, '\n', absl::SkipEmpty())) {
    uint64_t seq = 0;
    if (absl::SimpleAtoi(line, &seq)) acknowledged.insert(seq);
  }
  ASSERT_GE(acknowledged.size(), 25u);
  RunResult v = Orch(store, {"verify"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  std::set<uint64_t> in_log;
  for (const auto& e : ReplayJsonl(store)) in_log.insert(e["seq"].get<uint64_t>());
  for (uint64_t seq : acknowledged)
    EXPECT_TRUE(in_log.count(seq)) << "acknowledged seq " << seq << " is lost";
  // Nothing beyond what was printed, except at most the one in flight.
  EXPECT_LE(in_log.size(), acknowledged.size() + 2);
}

}  // namespace
}  // namespace orch::testing

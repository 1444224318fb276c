// `orch watch` through the real binary, with time pinned by ORCH_NOW (no
// sleeping): every missed wake-up of a hole is recorded exactly once,
// however often and however late watch runs; --check-only appends nothing;
// --notify gets one JSON document per new finding; a looping watch stops
// cleanly on SIGTERM.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

// 2026-11-25 at `minutes` past midnight, UTC.
std::string At(int minutes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2026-11-25T%02d:%02d:00Z", minutes / 60, minutes % 60);
  return buf;
}

RunResult OrchAt(const std::string& store, const std::string& now, const std::vector<std::string>& args,
                 const std::string& in = "") {
  std::vector<std::string> argv = {OrchBin(), "--store", store};
  argv.insert(argv.end(), args.begin(), args.end());
  // Run beside the store, outside any repository: the checkout these tests
  // run from (dirty or not) is none of their business.
  const std::string cwd = std::filesystem::path(store).parent_path().string();
  return orch::testing::Run(argv, cwd, {{"ORCH_NOW", now}}, in);
}

std::vector<nlohmann::json> Lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    out.push_back(nlohmann::json::parse(std::string(line)));
  }
  return out;
}

// A heartbeat at each of `minutes`, each announcing the next 5 minutes on.
std::string Heartbeats(const std::vector<int>& minutes) {
  std::string out;
  for (int m : minutes) {
    out += nlohmann::json({{"type", "heartbeat"},
                           {"at", At(m)},
                           {"payload", {{"source", "cron"}, {"next_expected_at", At(m + 5)}}}})
               .dump() +
           "\n";
  }
  return out;
}

std::vector<int> Every5(int from, int to) {
  std::vector<int> out;
  for (int m = from; m <= to; m += 5) out.push_back(m);
  return out;
}

class WatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = tmp_.Sub("store");
    RunResult r = OrchAt(store_, At(0), {"init", "--at", At(0)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void Beat(const std::vector<int>& minutes) {
    RunResult r = OrchAt(store_, At(minutes.back()), {"emit", "--jsonl", "-"}, Heartbeats(minutes));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  nlohmann::json Watch(int now, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"watch", "--once", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = OrchAt(store_, At(now), args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  // The expected_at of every heartbeat-missed in the log, in log order.
  std::vector<std::string> Missed() {
    RunResult r = OrchAt(store_, At(0), {"replay", "--format", "jsonl", "--type", "heartbeat-missed"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> out;
    for (const auto& e : Lines(r.out)) {
      EXPECT_EQ(e["actor"], "orch watch");
      EXPECT_EQ(e["claim"], "inferred");
      out.push_back(e["payload"]["expected_at"].get<std::string>());
    }
    return out;
  }
  size_t EventCount() { return Lines(OrchAt(store_, At(0), {"replay", "--format", "jsonl"}).out).size(); }

  TempDir tmp_;
  std::string store_;
};

// A heartbeat recorded late with an earlier --at (a cron job's catch-up)
// became "the last heartbeat" and announced a wake-up long past: status,
// next, health and watch all said the loop was asleep. The last heartbeat
// is the one with the latest time.
TEST_F(WatchTest, AHeartbeatRecordedLateWithAnEarlierTimeIsNotTheLast) {
  Beat({60});  // 01:00, next expected 01:05
  // Recorded after it, dated before it: 00:30, announcing 00:35.
  ASSERT_EQ(OrchAt(store_, At(62), {"emit", "--jsonl", "-"}, Heartbeats({30})).exit_code, 0);
  const std::string now = At(63);

  RunResult r = OrchAt(store_, now, {"status", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json status = nlohmann::json::parse(r.out);
  EXPECT_EQ(status["heartbeat"]["last"], At(60));
  EXPECT_EQ(status["heartbeat"]["nextExpected"], At(65));
  EXPECT_EQ(status["heartbeat"]["overdue"], false);

  r = OrchAt(store_, now, {"next", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(nlohmann::json::parse(r.out)["rule"], "heartbeat-overdue") << r.out;

  r = OrchAt(store_, now, {"health", "--json"});
  const nlohmann::json health = nlohmann::json::parse(r.out);
  std::string heartbeat;
  for (const auto& c : health["checks"]) {
    if (c["check"] == "heartbeat") heartbeat = c["detail"].get<std::string>();
  }
  EXPECT_EQ(heartbeat, "last " + At(60)) << r.out;

  const nlohmann::json report = Watch(63, {"--check-only"});
  for (const auto& f : report["findings"]) EXPECT_NE(f["kind"], "heartbeat-missed") << report.dump(1);
  // A later time than the last, recorded after it, is the last again.
  Beat({64});
  r = OrchAt(store_, At(64), {"status", "--json"});
  EXPECT_EQ(nlohmann::json::parse(r.out)["heartbeat"]["last"], At(64));
}

// The hole: heartbeats every 5 minutes until 01:00, none until 01:47. The
// wake-ups due at 01:05 .. 01:40 were missed; 01:45's is answered by the
// heartbeat at 01:47 (within one cadence).
std::vector<std::string> HoleOf47Minutes() {
  std::vector<std::string> out;
  for (int m = 65; m <= 100; m += 5) out.push_back(At(m));
  return out;
}

TEST_F(WatchTest, HoleRecordedOnceWhenWatchRunsThreeTimesOverIt) {
  Beat(Every5(0, 60));
  // During the hole: what is certain by 01:30 (01:05 .. 01:25).
  nlohmann::json first = Watch(90);
  EXPECT_EQ(first["appended"], 5) << first.dump(2);
  Beat({107, 112});
  nlohmann::json second = Watch(115);  // after it: 01:30 .. 01:40
  EXPECT_EQ(second["appended"], 3) << second.dump(2);
  nlohmann::json third = Watch(116);
  EXPECT_EQ(third["appended"], 0) << third.dump(2);
  EXPECT_TRUE(third["findings"].empty()) << third.dump(2);
  EXPECT_EQ(Missed(), HoleOf47Minutes());
}

TEST_F(WatchTest, HoleRecordedExactlyWhenWatchFirstRunsHoursLater) {
  std::vector<int> beats = Every5(0, 60);
  for (int m : Every5(107, 297)) beats.push_back(m);  // 01:47 .. 04:57, then watch at 05:00
  Beat(beats);
  nlohmann::json first = Watch(300);
  EXPECT_EQ(first["appended"], 8) << first.dump(2);
  EXPECT_EQ(Missed(), HoleOf47Minutes());
  // Each gap is the silence since the heartbeat at 01:00 when it was due.
  RunResult r = OrchAt(store_, At(300), {"replay", "--format", "jsonl", "--type", "heartbeat-missed"});
  const auto events = Lines(r.out);
  ASSERT_EQ(events.size(), 8u);
  EXPECT_EQ(events.front()["payload"]["gap_seconds"], 300);
  EXPECT_EQ(events.back()["payload"]["gap_seconds"], 2400);
  EXPECT_EQ(Watch(301)["appended"], 0);
  EXPECT_EQ(Watch(302)["appended"], 0);
  EXPECT_EQ(Missed(), HoleOf47Minutes());
}

TEST_F(WatchTest, CheckOnlyReportsAndAppendsNothing) {
  Beat(Every5(0, 60));
  Beat({107});
  const size_t before = EventCount();
  nlohmann::json report = Watch(110, {"--check-only"});
  EXPECT_EQ(report["check_only"], true);
  EXPECT_EQ(report["appended"], 0);
  EXPECT_EQ(report["findings"].size(), 8u) << report.dump(2);
  for (const auto& f : report["findings"]) EXPECT_EQ(f["new"], true);
  EXPECT_EQ(EventCount(), before);
  EXPECT_TRUE(Missed().empty());
  // Nor does it mark the watchdog as having run (orch health reads that).
  EXPECT_FALSE(std::ifstream(store_ + "/watchdog-last-run.json").good());
}

TEST_F(WatchTest, NotifyGetsEachNewFindingOnceAsJson) {
  Beat(Every5(0, 60));
  const std::string log = tmp_.Sub("notified.jsonl");
  const std::vector<std::string> notify = {"--notify", "cat >> '" + log + "'"};
  Watch(90, notify);  // 01:05 .. 01:25
  auto got = Lines(ReadFile(log));
  ASSERT_EQ(got.size(), 5u);
  for (const auto& f : got) EXPECT_EQ(f["kind"], "heartbeat-missed");
  EXPECT_EQ(got[0]["expected_at"], At(65));
  Watch(91, notify);  // nothing new
  EXPECT_EQ(Lines(ReadFile(log)).size(), 5u);
  Beat({107});
  Watch(110, notify);  // 01:30 .. 01:40
  got = Lines(ReadFile(log));
  ASSERT_EQ(got.size(), 8u);
  EXPECT_EQ(got[5]["expected_at"], At(90));
  EXPECT_EQ(got[7]["expected_at"], At(100));
}

TEST_F(WatchTest, FlagsAreCheckedBeforeAnythingIsWritten) {
  Beat(Every5(0, 60));
  const size_t before = EventCount();
  RunResult r = OrchAt(store_, At(120), {"watch", "--once", "--missed-after", "10s"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--missed-after '10s'"), std::string::npos) << r.err;
  r = OrchAt(store_, At(120), {"watch", "--once", "--every", "soon"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(EventCount(), before);
  r = orch::testing::Run({OrchBin(), "--store", store_, "next"}, "", {{"ORCH_NOW", "yesterday"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("ORCH_NOW 'yesterday'"), std::string::npos) << r.err;
}

TEST_F(WatchTest, SettingsEventSetsTheGraceAndFlagsOverrideIt) {
  // Heartbeats every hour: a wake-up counts as missed once it is the grace
  // late (min(cadence, missed-after)).
  std::string beats;
  for (int m : {0, 60}) {
    beats += nlohmann::json({{"type", "heartbeat"},
                             {"at", At(m)},
                             {"payload", {{"source", "cron"}, {"next_expected_at", At(m + 60)}}}})
                 .dump() +
             "\n";
  }
  ASSERT_EQ(OrchAt(store_, At(60), {"emit", "--jsonl", "-"}, beats).exit_code, 0);
  // Due 02:00; at 02:20 the default grace (15m) has run out.
  EXPECT_EQ(Watch(140, {"--check-only"})["findings"].size(), 1u);
  ASSERT_EQ(OrchAt(store_, At(140), {"emit", "settings", "--missed-after-seconds", "30m"}).exit_code, 0);
  EXPECT_EQ(Watch(140, {"--check-only"})["findings"].size(), 0u);
  EXPECT_EQ(Watch(140, {"--check-only", "--missed-after", "10m"})["findings"].size(), 1u);
}

// A looping watch (real clock) ends on SIGTERM after its pass, exit 0, with
// the store intact and nothing recorded twice.
TEST_F(WatchTest, LoopStopsCleanlyOnSigterm) {
  // A hole in the recent past, so the first pass appends.
  const int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const auto rfc = [](int64_t s) {
    std::time_t t = s;
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return std::string(buf);
  };
  const std::string beat =
      nlohmann::json({{"type", "heartbeat"},
                      {"at", rfc(now_s - 3600)},
                      {"payload", {{"source", "cron"}, {"next_expected_at", rfc(now_s - 3300)}}}})
          .dump();
  ASSERT_EQ(orch::testing::Run({OrchBin(), "--store", store_, "emit", "--json", beat}).exit_code, 0);

  const std::string out = tmp_.Sub("watch.out");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    FILE* f = std::freopen(out.c_str(), "w", stdout);
    (void)f;
    execl(OrchBin().c_str(), "orch", "--store", store_.c_str(), "watch", "--every", "1s", "--json",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait (not a timed assertion: a generous bound) for two passes.
  const auto whole_lines = [&out] {
    const std::string text = ReadFile(out);
    return std::count(text.begin(), text.end(), '\n');
  };
  for (int i = 0; i < 600 && whole_lines() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GE(whole_lines(), 2) << ReadFile(out);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // Every report line is whole JSON; the first pass recorded the hole, the
  // later ones nothing.
  const auto reports = Lines(ReadFile(out));
  EXPECT_GT(reports.front()["appended"].get<int>(), 0);
  const std::vector<std::string> missed = Missed();
  EXPECT_EQ(std::set<std::string>(missed.begin(), missed.end()).size(), missed.size());
  RunResult verify = orch::testing::Run({OrchBin(), "--store", store_, "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_FALSE(
      nlohmann::json::parse(ReadFile(store_ + "/watchdog-last-run.json"), nullptr, false).is_discarded());
}

}  // namespace
}  // namespace orch::testing

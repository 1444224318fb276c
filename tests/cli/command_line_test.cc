// How the command line is read before any verb runs.
#include <csignal>
#include <map>

#include "commands/stop_signal.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

TEST(CommandLineTest, AStoreNamedLikeAVerbIsAStore) {
  TempDir dir;
  ASSERT_EQ(testing::Run({OrchBin(), "--store", "emit", "init"}, dir.path()).exit_code, 0);
  RunResult r = testing::Run({OrchBin(), "--store", "emit", "replay"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("project-initialized"), std::string::npos) << r.out;
}

TEST(CommandLineTest, AVerbGivenAsAnEventTypeIsNamedAsAVerb) {
  TempDir dir;
  RunResult r = testing::Run({OrchBin(), "--store", dir.Sub("s"), "emit", "replay"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "orch: 'replay' is a verb, not an event type: run `orch replay ...` (orch emit --help lists "
            "the event types)\n");
  r = testing::Run({OrchBin(), "--store", dir.Sub("s"), "emit", "dispatch-it"}, dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown event type 'dispatch-it' (known: "), std::string::npos) << r.err;
}

// CLI11 said "A subcommand is required" for a word that is no verb.
TEST(CommandLineTest, AnUnknownVerbIsNamed) {
  TempDir dir;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{OrchBin(), "preflight"},
        std::vector<std::string>{OrchBin(), "--store", dir.Sub("s"), "preflight", "--task", "T1"}}) {
    RunResult r = testing::Run(args, dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "orch: unknown command 'preflight' (orch --help lists the commands)\n");
  }
  // A store named like no verb is still a store.
  EXPECT_EQ(testing::Run({OrchBin(), "--store", "preflight", "init"}, dir.path()).exit_code, 0);
}

// --at and --since took HH:MM but not HH:MM:SS ("bad time '07:29:30'").
TEST(CommandLineTest, TimesOfDayTakeSecondsToo) {
  TempDir dir;
  const std::map<std::string, std::string> env = {{"ORCH_NOW", "2026-11-25T07:30:00Z"}, {"TZ", "UTC"}};
  const auto orch = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {OrchBin(), "--store", dir.Sub("s")});
    return testing::Run(args, dir.path(), env);
  };
  ASSERT_EQ(orch({"init", "--at", "07:00:00"}).exit_code, 0);
  RunResult r = orch({"emit", "note", "--text", "late", "--at", "07:29:30"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = orch({"replay", "--since", "07:29:15", "--format", "jsonl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("project-initialized"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"at\":\"2026-11-25T07:29:30Z\""), std::string::npos) << r.out;
}

volatile std::sig_atomic_t previous_handler_ran = 0;

TEST(StopSignalTest, CatchesSigtermAndRestoresThePreviousHandler) {
  std::signal(SIGTERM, [](int) { previous_handler_ran = 1; });
  {
    StopSignal stop;
    EXPECT_FALSE(stop.requested());
    std::raise(SIGTERM);
    EXPECT_TRUE(stop.requested());
    EXPECT_EQ(previous_handler_ran, 0);
  }
  std::raise(SIGTERM);
  EXPECT_EQ(previous_handler_ran, 1) << "the handler before StopSignal is back";
  {
    StopSignal again;
    EXPECT_FALSE(again.requested()) << "a new StopSignal starts unrequested";
  }
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace
}  // namespace orch::testing

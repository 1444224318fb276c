// The command line run in process (RunCli) over a fault-injecting Env: each
// fault is one line on stderr and the exit code the docs promise, and the
// log is left as it was. (Killing a process does not test fsync: the
// kernel keeps its page cache. Only the Env can lose unsynced data.)

#include "absl/strings/match.h"
#include "eventstore/env_testing.h"
#include "eventstore/fault_injection_env.h"
#include "gtest/gtest.h"
#include "tests/cli/in_process_cli.h"
#include "tests/support/emit_modes.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

// Counts the writer's lock taken through the Env.
class LockCountingEnv : public EnvWrapper {
 public:
  explicit LockCountingEnv(Env* target) : EnvWrapper(target) {}
  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path, uint32_t mode,
                                                     absl::Duration timeout) override {
    ++locks;
    return EnvWrapper::LockFile(path, mode, timeout);
  }
  int locks = 0;
};

// Each test runs twice: every command in process over the test's Env, and
// with emits sent through a server run in process whose store was opened
// over the fault Env (the path users take; the same faults reach it).
class FaultCliTest : public EmitModeTest {
 protected:
  void SetUp() override {
    EmitModeTest::SetUp();
    schema_ = *EventSchema::Load();
    store_ = tmp_.Sub("store");
    ASSERT_EQ(Cli(&system_, {"init"}).exit_code, 0);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(Cli(&system_, {"emit", "note", "--text", "n"}).exit_code, 0);
    if (through_server()) server_ = std::make_unique<InProcessServer>(&fault_, store_);
  }
  void TearDown() override {
    server_.reset();
    EmitModeTest::TearDown();
  }

  // An emit goes to the server when there is one (it writes with the Env
  // it was started with, the fault Env); every other verb runs over `env`.
  CliResult Cli(Env* env, std::vector<std::string> args) {
    if (server_ != nullptr && !args.empty() && args[0] == "emit") {
      CliResult r = server_->Run(std::move(args));
      EXPECT_NE(r.exit_code, -1) << "the server did not answer";
      return r;
    }
    return RunCliInProcess(env, schema_.get(), store_, std::move(args));
  }

  std::string Replay() {
    CliResult r = Cli(&system_, {"replay", "--format", "jsonl"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  TempDir tmp_;
  std::string store_;
  SystemEnv system_;
  FaultInjectionEnv fault_{&system_};
  std::unique_ptr<EventSchema> schema_;
  std::unique_ptr<InProcessServer> server_;
};

TEST_P(FaultCliTest, AFailedSyncIsExitFourInOneLineAndTheEventIsNotThere) {
  const std::string before = Replay();
  fault_.FailNextSync(".log");
  CliResult r = Cli(&fault_, {"emit", "note", "--text", "unsynced"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_TRUE(absl::StartsWith(r.err, "orch: append to " + store_ + ": sync (injected) ")) << r.err;
  EXPECT_TRUE(absl::EndsWith(r.err, ": Input/output error (EIO)\n")) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(Replay(), before);
  CliResult verify = Cli(&system_, {"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
}

TEST_P(FaultCliTest, AFailedWriteIsExitFourInOneLine) {
  const std::string before = Replay();
  fault_.FailNextWrite(".log");
  CliResult r = Cli(&fault_, {"emit", "note", "--text", "unwritten"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("write (injected)"), std::string::npos) << r.err;
  EXPECT_EQ(Replay(), before);
}

TEST_P(FaultCliTest, NoSpaceIsDiskFullInOneLineAndReadersStillRead) {
  fault_.SetNoSpace(true, 0);
  CliResult r = Cli(&fault_, {"emit", "note", "--text", "no room"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(r.err,
            "orch: disk full: 0 bytes free on " + store_ + " (orch needs 16777216 to append safely)\n");
  for (const std::vector<std::string>& verb : {std::vector<std::string>{"status"}, {"replay"}, {"verify"}}) {
    CliResult read = Cli(&fault_, verb);
    EXPECT_EQ(read.exit_code, 0) << verb[0] << ": " << read.err;
    EXPECT_TRUE(read.err.empty()) << verb[0] << ": " << read.err;
  }
}

TEST_P(FaultCliTest, ASuccessfulCommandPrintsNothingOnStderr) {
  for (const std::vector<std::string>& verb : {std::vector<std::string>{"emit", "note", "--text", "x"},
                                               {"status"},
                                               {"ledger"},
                                               {"verify"},
                                               {"replay"},
                                               {"recover"}}) {
    CliResult r = Cli(&system_, verb);
    EXPECT_EQ(r.exit_code, 0) << verb[0] << ": " << r.err;
    EXPECT_TRUE(r.err.empty()) << verb[0] << ": " << r.err;
  }
}

// Readers never take the writer's lock (before, status, ledger, export,
// verify and replay took it whenever the store was free).
TEST_P(FaultCliTest, ReadersNeverTakeTheWritersLock) {
  LockCountingEnv env(&system_);
  for (const std::vector<std::string>& verb : {std::vector<std::string>{"status"},
                                               {"ledger"},
                                               {"export", "--dir", tmp_.Sub("pages")},
                                               {"verify"},
                                               {"replay"}}) {
    CliResult r = Cli(&env, verb);
    EXPECT_EQ(r.exit_code, 0) << verb[0] << ": " << r.err;
  }
  EXPECT_EQ(env.locks, 0);
  ASSERT_EQ(Cli(&env, {"emit", "note", "--text", "x"}).exit_code, 0);
  EXPECT_EQ(env.locks, through_server() ? 0 : 1);  // the server took it once, when it started
}

ORCH_BOTH_EMIT_MODES(FaultCliTest);

}  // namespace
}  // namespace orch::testing

// A status served from a checkpoint is byte-identical to a rebuild, and a
// checkpoint not folded from this log is never used.
#include <filesystem>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/projections/night_fixture.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

TEST(CheckpointCli, CheckpointedPagesEqualRebuiltPages) {
  TempDir dir;
  const std::string store = dir.Sub("store");
  const std::vector<std::string> lines = NightLines();
  const std::vector<std::string> first(lines.begin(), lines.begin() + 40);
  const std::vector<std::string> rest(lines.begin() + 40, lines.end());
  EmitLines(store, first);
  ASSERT_EQ(Orch(store, {"status"}).exit_code, 0);  // leaves a checkpoint at #40
  EmitLines(store, rest, /*create=*/false);
  for (const std::vector<std::string>& args : {std::vector<std::string>{"ledger"},
                                               {"status", "--format", "json"},
                                               {"status", "--format", "md"},
                                               {"status", "--format", "html"}}) {
    RunResult warm = Orch(store, Pinned(args));
    std::vector<std::string> rebuild = Pinned(args);
    rebuild.push_back("--rebuild");
    RunResult cold = Orch(store, rebuild);
    ASSERT_EQ(warm.exit_code, 0) << warm.err;
    ASSERT_EQ(cold.exit_code, 0) << cold.err;
    EXPECT_EQ(warm.out, cold.out) << args[0];
  }
  ExpectGolden("ledger.json", Orch(store, Pinned({"ledger"})).out);
  // Time travel to before the checkpoint still sees the early night.
  RunResult early = Orch(store, {"ledger", "--at", "seq:10"});
  EXPECT_NE(early.out.find("\"headSeq\": 10"), std::string::npos);
}

// Checkpoints are files bound to the event at their seq: one folded from
// another chain (another store's, or this one's before a recovery) is
// skipped with one warning, verify names it, and the pages are as rebuilt.
TEST(CheckpointCli, ACheckpointFromAnotherChainIsIgnoredWithAWarning) {
  TempDir dir;
  const std::string mine = dir.Sub("mine"), other = dir.Sub("other");
  std::vector<std::string> lines = NightLines();
  lines.resize(40);
  EmitLines(mine, lines);
  nlohmann::json last = nlohmann::json::parse(lines.back());
  last["note"] = "the other store's 40th event";
  lines.back() = last.dump();
  EmitLines(other, lines);
  ASSERT_EQ(Orch(other, {"status"}).exit_code, 0);  // leaves its checkpoint at #40
  namespace fs = std::filesystem;
  fs::create_directories(mine + "/checkpoints");
  for (const auto& e : fs::directory_iterator(other + "/checkpoints")) {
    fs::copy_file(e.path(), mine + "/checkpoints/" + e.path().filename().string());
  }
  const std::string file = mine + "/checkpoints/project-model.00000000000000000040";
  ASSERT_TRUE(fs::exists(file));

  RunResult verify = Orch(mine, {"verify"});
  EXPECT_EQ(verify.exit_code, 4) << verify.out;
  EXPECT_NE(verify.err.find("checkpoint 'project-model' at seq 40 does not match the log"), std::string::npos)
      << verify.err;

  RunResult warm = Orch(mine, Pinned({"status", "--format", "json"}));
  ASSERT_EQ(warm.exit_code, 0) << warm.err;
  EXPECT_EQ(warm.err, "orch: warning: ignoring checkpoint " + file +
                          ": it does not match event 40 of the log (folding from an earlier point)\n");
  RunResult cold = Orch(mine, Pinned({"status", "--format", "json", "--rebuild"}));
  EXPECT_EQ(warm.out, cold.out);
  // The fold replaced it with its own: verify agrees again.
  EXPECT_EQ(Orch(mine, {"verify"}).exit_code, 0);
}

}  // namespace
}  // namespace orch::testing

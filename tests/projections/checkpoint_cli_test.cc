// A status served from a checkpoint is byte-identical to a rebuild.
#include "gtest/gtest.h"
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

}  // namespace
}  // namespace orch::testing

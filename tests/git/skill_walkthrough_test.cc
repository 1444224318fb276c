// docs/SKILL.md is what an agent follows: every command it shows in a
// ```sh block runs here, in order, with `set -e`, on a sandbox repository
// with a remote and real worktrees, directly and through the server. A
// command that exits non-zero (a gate the skill's own steps do not pass, a
// flag that changed) fails the test, so the skill cannot drift from orch.
#include <sys/stat.h>

#include <filesystem>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/emit_modes.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

// The ```sh blocks of `markdown`, in order.
std::vector<std::string> ShellBlocks(const std::string& markdown) {
  std::vector<std::string> blocks;
  std::istringstream in(markdown);
  std::string line, block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```sh") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      blocks.push_back(block);
    } else if (inside) {
      block += line + "\n";
    }
  }
  return blocks;
}

class SkillWalkthroughTest : public EmitModeTest {};

TEST_P(SkillWalkthroughTest, EveryCommandTheSkillShowsRunsInOrder) {
  const std::vector<std::string> blocks = ShellBlocks(ReadFile(SourceDir() + "/docs/SKILL.md"));
  ASSERT_GE(blocks.size(), 8u) << "docs/SKILL.md shows its commands in ```sh blocks";

  TempDir tmp;
  const std::string repo = tmp.Sub("shop"), work = tmp.Sub("work"), remote = tmp.Sub("remote.git");
  InitRepo(repo);
  WriteFile(repo + "/README.md", "shop\n");
  Git(repo, {"add", "-A"});
  Git(repo, {"commit", "-q", "-m", "init"});
  Git(tmp.path(), {"init", "-q", "--bare", "-b", "main", remote});
  Git(repo, {"remote", "add", "origin", remote});
  Git(repo, {"push", "-q", "-u", "origin", "main"});
  std::filesystem::create_directories(work);

  const std::string bin_dir = std::filesystem::path(OrchBin()).parent_path().string();
  std::string script = absl::StrCat(
      "set -euo pipefail\nexport PATH='", bin_dir, "':\"$PATH\"\n", "REPO='", repo, "'\nWORK='", work,
      "'\nT=T7\nNEXT='",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now() + absl::Minutes(30), absl::UTCTimeZone()), "'\n");
  for (const std::string& b : blocks) script += b;
  const std::string path = tmp.Sub("skill.sh");
  WriteFile(path, script);

  RunResult r = orch::testing::Run({"bash", "-x", path}, repo,
                                   {{"GIT_AUTHOR_NAME", "Agent"},
                                    {"GIT_AUTHOR_EMAIL", "agent@example.com"},
                                    {"GIT_COMMITTER_NAME", "Agent"},
                                    {"GIT_COMMITTER_EMAIL", "agent@example.com"}});
  ASSERT_EQ(r.exit_code, 0) << "the skill's commands failed:\n"
                            << r.err.substr(r.err.size() > 6000 ? r.err.size() - 6000 : 0);

  // What the loop recorded: the task went all the way, nothing broke a
  // rule, the refused dispatch left no trace, and the log verifies.
  const std::string store = repo + "/.orch";
  RunResult status = Orch(store, {"status", "--format", "json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const nlohmann::json j = nlohmann::json::parse(status.out);
  EXPECT_EQ(j.dump().find("T99"), std::string::npos) << "the refused dispatch was recorded";
  RunResult replay = Orch(store, {"replay", "--task", "T7", "--format", "jsonl"});
  EXPECT_NE(replay.out.find("\"type\":\"cleaned\""), std::string::npos) << replay.out;
  EXPECT_EQ(replay.out.find("\"anomaly\""), std::string::npos) << replay.out;
  RunResult verify = Orch(store, {"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
}

ORCH_BOTH_EMIT_MODES(SkillWalkthroughTest);

}  // namespace
}  // namespace orch::testing

// `orch context`: the restart resume stays short however long the log,
// and says what a fresh session needs first.
#include <cstdio>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

using nlohmann::json;

std::string At(int minutes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2026-11-25T%02d:%02d:00Z", minutes / 60, minutes % 60);
  return buf;
}

RunResult OrchAt(const std::string& store, const std::vector<std::string>& args, const std::string& in = "") {
  std::vector<std::string> argv = {OrchBin(), "--store", store};
  argv.insert(argv.end(), args.begin(), args.end());
  return orch::testing::Run(argv, "", {{"ORCH_NOW", At(600)}}, in);
}

// `count` tasks dispatched (one batch each of at most 5,000 events), every
// third one completed; titles and branches long, so only bounds keep the
// page short. Far past the four slots: recorded as observed, as a loop that
// overran them would be seen.
void TenThousandTasks(const std::string& store, int count) {
  const std::string long_title(300, 't');
  std::string jsonl =
      json({{"type", "project-initialized"}, {"at", At(0)}, {"payload", {{"max_concurrency", 4}}}}).dump() +
      "\n" +
      json({{"type", "package-opened"},
            {"at", At(0)},
            {"payload", {{"package_id", "P1"}, {"title", "A long lane " + long_title}}}})
          .dump() +
      "\n";
  int in_batch = 2;
  for (int i = 0; i < count; ++i) {
    const std::string task = "task-" + std::to_string(i);
    jsonl += json({{"type", "dispatched"},
                   {"task", task},
                   {"at", At(1 + i % 500)},
                   {"claim", "observed"},
                   {"payload",
                    {{"title", long_title},
                     {"branch", "feature/" + std::string(100, 'b') + std::to_string(i)},
                     {"package_id", "P1"},
                     {"allowed", {task + "/**"}}}}})
                 .dump() +
             "\n";
    if (++in_batch == 5000 || i + 1 == count) {
      RunResult r = OrchAt(store, {"emit", "--jsonl", "-"}, jsonl);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      jsonl.clear();
      in_batch = 0;
    }
  }
}

TEST(ContextTest, UnderFourKilobytesOnATenThousandTaskLog) {
  TempDir tmp;
  const std::string store = tmp.Sub("store");
  TenThousandTasks(store, 10000);
  RunResult r = OrchAt(store, {"context"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(r.out.size(), 4096u) << r.out;
  EXPECT_NE(r.out.find("## Open tasks (10000)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("and 9985 more"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("## Next action\n**wait** (slots-full)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("## Read first"), std::string::npos) << r.out;
  // --out writes the same page.
  const std::string file = tmp.Sub("context.md");
  ASSERT_EQ(OrchAt(store, {"context", "--out", file}).exit_code, 0);
  EXPECT_EQ(ReadFile(file), r.out);
}

TEST(ContextTest, OneLinePerOpenTaskWithWhatItWaitsFor) {
  TempDir tmp;
  const std::string store = tmp.Sub("store");
  std::string jsonl;
  for (const json& e :
       {json({{"type", "project-initialized"}, {"at", At(0)}, {"payload", {{"max_concurrency", 2}}}}),
        json({{"type", "package-opened"}, {"at", At(0)}, {"payload", {{"package_id", "P1"}}}}),
        json({{"type", "dispatched"},
              {"task", "T1"},
              {"at", At(1)},
              {"payload", {{"branch", "task/t1"}, {"package_id", "P1"}, {"allowed", {"a/**"}}}}}),
        json({{"type", "worktree-ready"}, {"task", "T1"}, {"at", At(1)}, {"payload", {{"worktree", "/w"}}}}),
        json({{"type", "completed"}, {"task", "T1"}, {"at", At(2)}, {"payload", json::object()}}),
        json({{"type", "dispatched"},  // beside T1's waiting review: observed
              {"task", "T2"},
              {"at", At(3)},
              {"claim", "observed"},
              {"payload", {{"branch", "task/t2"}, {"package_id", "P1"}, {"allowed", {"b/**"}}}}}),
        json({{"type", "blocked"},
              {"task", "T2"},
              {"at", At(4)},
              {"payload", {{"reason", "which <API>?"}, {"needs_human", true}}}})}) {
    jsonl += e.dump() + "\n";
  }
  ASSERT_EQ(OrchAt(store, {"emit", "--jsonl", "-"}, jsonl).exit_code, 0);
  RunResult r = OrchAt(store, {"context"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("- T2 blocked"), std::string::npos) << r.out;  // most urgent first
  EXPECT_NE(r.out.find("waits for a human: which \\<API\\>?"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("- T1 completed-unreviewed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("task/t1 · waits for review"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("**review** (review-ready)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("T2 needs a human"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace orch::testing

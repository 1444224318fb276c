// `orch anchor` and `orch verify` against the anchor: a store rolled back
// to an older copy, or a chain re-emitted with edited content and the
// original times, passes the chain check but not the anchor.
#include <filesystem>

#include "gtest/gtest.h"
#include "tests/git/git_world.h"

namespace orch::testing {
namespace {

namespace fs = std::filesystem;

class AnchorTest : public ::testing::Test {
 protected:
  AnchorTest() {
    EXPECT_EQ(w_.Orch({"lane", "open", "work"}).exit_code, 0);
    for (const char* t : {"T1", "T2"}) {
      EXPECT_EQ(w_.Orch({"emit", "dispatched", "--task", t, "--title", t, "--base-commit", w_.base,
                         "--package-id", "work", "--allowed", std::string(t) + "/**"})
                    .exit_code,
                0);
    }
  }
  nlohmann::json VerifyJson(int expected_exit) {
    RunResult r = w_.Orch({"verify", "--json"});
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    return nlohmann::json::parse(r.out);
  }
  GitWorld w_;
};

TEST_F(AnchorTest, AnchorPinsTheHeadAndVerifyChecksIt) {
  EXPECT_EQ(VerifyJson(0)["anchor"]["state"], "none");
  RunResult r = w_.Orch({"anchor", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto a = nlohmann::json::parse(r.out);
  EXPECT_EQ(a["seq"], 4);  // init, the lane, T1, T2
  EXPECT_EQ(a["written"], true);
  EXPECT_EQ(w_.Head(w_.repo, "refs/orch/head"), a["commit"]);
  const std::string file = Git(w_.repo, {"show", "refs/orch/head:orch-head"});
  EXPECT_EQ(file, "orch-anchor 1\nseq 4\nhash " + a["hash"].get<std::string>() + "\n");
  EXPECT_EQ(VerifyJson(0)["anchor"]["state"], "matches");

  // Anchoring again with nothing new writes nothing.
  r = w_.Orch({"anchor", "--json"});
  EXPECT_EQ(nlohmann::json::parse(r.out)["written"], false);

  // More events: still fine, and the next anchor is chained to the first.
  ASSERT_EQ(w_.Orch({"emit", "note", "--note", "later"}).exit_code, 0);
  EXPECT_EQ(VerifyJson(0)["anchor"]["state"], "ahead");
  ASSERT_EQ(w_.Orch({"anchor"}).exit_code, 0);
  EXPECT_EQ(w_.Head(w_.repo, "refs/orch/head^"), a["commit"]);
}

TEST_F(AnchorTest, AStoreRolledBackToAnOlderCopyFailsVerify) {
  const std::string copy = w_.Path("store-copy");
  fs::copy(w_.store, copy, fs::copy_options::recursive);
  ASSERT_EQ(w_.Orch({"emit", "note", "--note", "after the copy"}).exit_code, 0);
  ASSERT_EQ(w_.Orch({"anchor"}).exit_code, 0);
  fs::remove_all(w_.store);
  fs::rename(copy, w_.store);

  RunResult chain_only = w_.Orch({"verify", "--json"});
  auto j = nlohmann::json::parse(chain_only.out);
  EXPECT_EQ(j["intact"], true) << "the chain alone cannot tell";
  EXPECT_EQ(chain_only.exit_code, 4);
  EXPECT_EQ(j["anchor"]["state"], "behind");
  RunResult text = w_.Orch({"verify"});
  EXPECT_NE(text.err.find("behind its anchor"), std::string::npos) << text.err;
  // And anchoring the rolled-back store is refused: the anchor is evidence.
  RunResult again = w_.Orch({"anchor"});
  EXPECT_EQ(again.exit_code, 4) << again.err;
  EXPECT_NE(again.err.find("not anchoring"), std::string::npos) << again.err;
}

TEST_F(AnchorTest, AChainReemittedWithEditedContentFailsVerify) {
  ASSERT_EQ(w_.Orch({"anchor"}).exit_code, 0);
  // The log re-emitted into a new store with the original times and one
  // title edited: a perfectly chained, different history.
  std::string jsonl = w_.Orch({"replay", "--format", "jsonl"}).out;
  const size_t at = jsonl.find("\"title\":\"T2\"");
  ASSERT_NE(at, std::string::npos) << jsonl;
  jsonl.replace(at, 12, "\"title\":\"XX\"");
  const auto first = nlohmann::json::parse(jsonl.substr(0, jsonl.find('\n')));
  ASSERT_EQ(first["type"], "project-initialized");
  fs::remove_all(w_.store);
  ASSERT_EQ(w_.Orch({"init", "--project-root", w_.repo, "--at", first["at"]}).exit_code, 0);
  RunResult r = Orch(w_.store, {"emit", "--jsonl", "-"}, jsonl.substr(jsonl.find('\n') + 1));
  ASSERT_EQ(r.exit_code, 0) << r.err;

  auto j = VerifyJson(4);
  EXPECT_EQ(j["intact"], true) << "the forged chain is whole";
  EXPECT_EQ(j["anchor"]["state"], "diverged");
}

TEST_F(AnchorTest, PushSendsTheAnchorToTheRemote) {
  RunResult r = w_.Orch({"anchor", "--push", "origin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(w_.Head(w_.remote, "refs/orch/head"), w_.Head(w_.repo, "refs/orch/head"));
  r = w_.Orch({"anchor", "--push", "nowhere"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("git push nowhere"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace orch::testing

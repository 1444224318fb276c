// A reader that knows only the predecessor's ledger fields accepts what
// `orch ledger` writes: every field is there, with the type it expects.
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/projections/night_fixture.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

using nlohmann::json;

void ExpectString(const json& j, const char* key) {
  ASSERT_TRUE(j.contains(key)) << key;
  EXPECT_TRUE(j[key].is_string()) << key << ": " << j[key].dump();
}

void ExpectStringArray(const json& j, const char* key) {
  ASSERT_TRUE(j.contains(key)) << key;
  ASSERT_TRUE(j[key].is_array()) << key;
  for (const json& x : j[key]) EXPECT_TRUE(x.is_string()) << key << ": " << x.dump();
}

TEST(LedgerContract, EveryPredecessorFieldHasItsType) {
  TempDir dir;
  const std::string store = dir.Sub("store");
  EmitLines(store, NightLines());
  RunResult r = Orch(store, {"ledger"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json ledger = json::parse(r.out);

  ASSERT_TRUE(ledger["version"].is_number_integer());
  EXPECT_EQ(ledger["version"], 1);
  for (const char* key : {"projectRoot", "defaultBranch", "remote", "pushPolicy", "createdAt", "updatedAt"}) {
    ExpectString(ledger, key);
  }
  EXPECT_TRUE(ledger["maxConcurrency"].is_number_integer());
  EXPECT_EQ(ledger["projectRoot"], "/work/shop");
  EXPECT_EQ(ledger["createdAt"], "2026-11-24T22:00:00Z");
  EXPECT_EQ(ledger["updatedAt"], "2026-11-25T06:36:00Z");
  ASSERT_TRUE(ledger["tasks"].is_array());
  ASSERT_EQ(ledger["tasks"].size(), 10u);

  for (const json& t : ledger["tasks"]) {
    SCOPED_TRACE(t["id"].dump());
    for (const char* key : {"id", "title", "threadId", "pendingWorktreeId", "packageId", "worktree", "branch",
                            "baseCommit", "status"}) {
      ExpectString(t, key);
    }
    ASSERT_TRUE(t["writeSet"].is_object());
    ExpectStringArray(t["writeSet"], "allowed");
    ExpectStringArray(t["writeSet"], "forbidden");
    ExpectStringArray(t, "gates");
    ASSERT_TRUE(t["evidence"].is_object());
    ExpectString(t["evidence"], "expected");
    ExpectStringArray(t["evidence"], "labels");
    ExpectStringArray(t["evidence"], "notes");
    ASSERT_TRUE(t["lastObservation"].is_object());
    for (const char* key : {"at", "result", "note"}) ExpectString(t["lastObservation"], key);
    ASSERT_TRUE(t["history"].is_array());
    ASSERT_FALSE(t["history"].empty());
    for (const json& h : t["history"]) {
      for (const char* key : {"at", "type", "status", "note"}) ExpectString(h, key);
    }
  }
  const json& t1 = ledger["tasks"][0];
  EXPECT_EQ(t1["id"], "T1");
  EXPECT_EQ(t1["status"], "cleaned");
  EXPECT_EQ(t1["threadId"], "thread-t1");
  EXPECT_EQ(t1["pendingWorktreeId"], "wt-t1");
  EXPECT_EQ(t1["history"][0]["type"], "dispatched");
  EXPECT_EQ(t1["history"][0]["status"], "pending-setup");
  EXPECT_EQ(t1["history"].back()["status"], "cleaned");
}

}  // namespace
}  // namespace orch::testing

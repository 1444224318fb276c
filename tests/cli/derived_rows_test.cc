// What the store derives from the events — the guard's rows, the projection
// checkpoints — forged behind orch's back: the guard does not trust a row
// that is not bound to the chain, and `orch verify` recomputes both and
// names the one that disagrees.
#include "eventstore/checkpoint_store.h"
#include "eventstore/env.h"
#include "eventstore/event_store.h"
#include "eventstore/key_format.h"
#include "eventstore/posix_env.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "projections/lifecycle_guard.h"
#include "projections/model_codec.h"
#include "projections/model_loader.h"
#include "rocksdb/db.h"
#include "tests/support/emit_modes.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

constexpr size_t kBinding = 8 + 32;  // seq(8) hash(32) before the guard's bytes

class DerivedRowsTest : public EmitModeTest {
 protected:
  void SetUp() override {
    EmitModeTest::SetUp();
    store_ = tmp_.Sub("store");
    ASSERT_EQ(Orch(store_, {"init"}).exit_code, 0);
    for (std::vector<std::string> args :
         {std::vector<std::string>{"package-opened", "--package-id", "work"},
          {"dispatched", "--task", "T1", "--title", "One", "--package-id", "work"},
          {"worktree-ready", "--task", "T1", "--worktree", "/w/t1"}}) {
      args.insert(args.begin(), "emit");
      ASSERT_EQ(Orch(store_, args).exit_code, 0);
    }
    ASSERT_EQ(Orch(store_, {"verify"}).exit_code, 0);
  }

  std::string Raw(const std::string& key) {
    StopServerOf(store_);
    rocksdb::DB* db = nullptr;
    EXPECT_TRUE(rocksdb::DB::Open(rocksdb::Options(), store_, &db).ok());
    std::string value;
    EXPECT_TRUE(db->Get(rocksdb::ReadOptions(), key, &value).ok()) << key;
    delete db;
    return value;
  }
  void Put(const std::string& key, const std::string& value) {
    StopServerOf(store_);
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), store_, &db).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, value).ok());
    delete db;
  }

  TempDir tmp_;
  std::string store_;
};

// The row says T1 was accepted: `merged` would pass.
std::string ForgedGuardBytes(const std::string& bytes) {
  auto row = DecodeGuardRow(bytes);
  EXPECT_TRUE(row.ok()) << row.status();
  row->facts.state = TaskState::kAccepted;
  return EncodeGuardRow(*row);
}

TEST_P(DerivedRowsTest, AForgedGuardRowDoesNotOpenTheWay) {
  const std::string key = keys::GuardState(GuardRowKey("T1"));
  const std::string good = Raw(key);
  ASSERT_GT(good.size(), kBinding);
  const std::string forged = ForgedGuardBytes(good.substr(kBinding));
  std::string wrong_hash = good.substr(0, kBinding);
  wrong_hash[8] ^= 0x5a;
  std::string beyond;
  keys::PutBigEndian64(&beyond, 99);
  beyond += good.substr(8, 32);
  const std::vector<std::pair<std::string, std::string>> forgeries = {
      {"unbound", forged},
      {"bound to another hash", wrong_hash + forged},
      {"bound beyond the head", beyond + forged},
  };
  for (const auto& [what, value] : forgeries) {
    Put(key, value);
    RunResult merged = Orch(store_, {"emit", "merged", "--task", "T1", "--merge-commit", "m1"});
    EXPECT_EQ(merged.exit_code, 3) << what << ": " << merged.err;
    EXPECT_NE(merged.err.find("in state active"), std::string::npos) << what << ": " << merged.err;
    RunResult v = Orch(store_, {"verify"});
    EXPECT_EQ(v.exit_code, 4) << what;
    EXPECT_NE(v.err.find("guard row 'lifecycle/T1' is not bound to the chain"), std::string::npos)
        << what << ": " << v.err;
  }
  // Bound to the right head but with other content: verify recomputes it.
  Put(key, good.substr(0, kBinding) + forged);
  RunResult v = Orch(store_, {"verify"});
  EXPECT_EQ(v.exit_code, 4);
  EXPECT_NE(v.err.find("guard row 'lifecycle/T1' disagrees with the log folded up to seq 4"),
            std::string::npos)
      << v.err;
  EXPECT_NE(v.err.find("facts.state: accepted vs active"), std::string::npos) << v.err;
  auto j = nlohmann::json::parse(Orch(store_, {"verify", "--json"}).out);
  EXPECT_EQ(j["intact"], false);
  EXPECT_EQ(j["derived"]["problems"].size(), 1u) << j.dump(2);
  // The guard writes a fresh row with the next step it accepts.
  Put(key, good);
  EXPECT_EQ(Orch(store_, {"emit", "completed", "--task", "T1"}).exit_code, 0);
  RunResult ok = Orch(store_, {"verify"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("1 guard rows and 0 checkpoints match the log"), std::string::npos) << ok.out;
}

TEST_P(DerivedRowsTest, AForgedCheckpointFailsVerify) {
  ASSERT_EQ(Orch(store_, {"status"}).exit_code, 0);  // writes the first checkpoint
  RunResult ok = Orch(store_, {"verify", "--json"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(nlohmann::json::parse(ok.out)["derived"]["checkpoints"], 1);
  uint64_t seq = 0;
  {
    // Through the store's own interface: whatever holds checkpoints, a
    // checkpoint that lies about the log must not pass verify.
    SystemEnv env;
    StoreOptions o;
    o.env = &env;
    auto store = OpenEventWriter(store_, o);
    ASSERT_TRUE(store.ok()) << store.status();
    auto seqs = CheckpointStore(**store).List(kModelCheckpointName);
    ASSERT_TRUE(seqs.ok());
    ASSERT_EQ(seqs->size(), 1u);
    seq = seqs->front();
    auto core = CheckpointStore(**store).Get(kModelCheckpointName, seq);
    auto details = CheckpointStore(**store).Get(kModelDetailsCheckpointName, seq);
    ASSERT_TRUE(core.ok() && details.ok());
    auto model = DecodeModelParts(core->second, details->second);
    ASSERT_TRUE(model.ok()) << model.status();
    model->tasks[0].title = "Forged";
    model->tasks[0].facts.state = TaskState::kMerged;
    const EncodedModel forged = EncodeModelParts(*model);
    ASSERT_TRUE(CheckpointStore(**store).Put(kModelDetailsCheckpointName, seq, forged.details).ok());
    ASSERT_TRUE(CheckpointStore(**store).Put(kModelCheckpointName, seq, forged.core).ok());
  }
  RunResult v = Orch(store_, {"verify"});
  EXPECT_EQ(v.exit_code, 4);
  EXPECT_NE(
      v.err.find("checkpoint 'project-model' at seq " + std::to_string(seq) + " disagrees with the log"),
      std::string::npos)
      << v.err;
  EXPECT_NE(v.err.find("tasks[T1].facts.state: merged vs active"), std::string::npos) << v.err;
  auto j = nlohmann::json::parse(Orch(store_, {"verify", "--json"}).out);
  EXPECT_EQ(j["intact"], false);
  EXPECT_NE(j["problem"].get<std::string>().find("checkpoint 'project-model'"), std::string::npos);
}

ORCH_BOTH_EMIT_MODES(DerivedRowsTest);

}  // namespace
}  // namespace orch::testing

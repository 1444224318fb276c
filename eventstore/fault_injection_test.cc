// Faults injected under a real RocksDB store: failed writes and syncs, a
// full disk, and a crash that loses everything not yet synced.
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "eventstore/atomic_file.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "eventstore/fault_injection_env.h"
#include "eventstore/key_format.h"
#include "eventstore/logged_event.h"
#include "eventstore/posix_env.h"
#include "eventstore/verify_report.h"
#include "gtest/gtest.h"
#include "schema/event_schema.h"
#include "tests/support/test_support.h"

namespace orch {
namespace {

namespace fs = std::filesystem;

class FaultInjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = *EventSchema::Load();
    dir_ = tmp_.Sub("store");
  }

  absl::StatusOr<std::unique_ptr<EventWriter>> Open(Env* env) {
    StoreOptions o;
    o.env = env;
    o.create_if_missing = true;
    o.lock_timeout = absl::Seconds(1);
    return OpenEventWriter(dir_, o);
  }
  absl::StatusOr<std::unique_ptr<EventStore>> OpenReader(Env* env) {
    StoreOptions o;
    o.env = env;
    o.lock_timeout = absl::Seconds(1);
    return OpenEventReader(dir_, o);
  }

  AppendRequest Note(const std::string& text) {
    EventContent c;
    c.type = EventType::Note;
    c.payload = {{"text", text}};
    return AppendRequest{*schema_->BuildEvent(c), std::nullopt, std::nullopt};
  }

  // The log's rows ('e' keys and the head), as a reader finds them.
  std::map<std::string, std::string> LogRows() {
    std::map<std::string, std::string> rows;
    for (auto& [k, v] : testing::DumpStore(dir_)) {
      if (k[0] == keys::kEventPrefix || k == keys::kHead) rows[k] = v;
    }
    return rows;
  }

  // Five events appended and the store closed; returns the log's rows.
  std::map<std::string, std::string> FiveEvents() {
    auto store = Open(&system_);
    EXPECT_TRUE(store.ok()) << store.status();
    for (int i = 0; i < 5; ++i) EXPECT_TRUE((*store)->Append({Note("n" + std::to_string(i))}).ok());
    store->reset();
    return LogRows();
  }

  testing::TempDir tmp_;
  std::string dir_;
  SystemEnv system_;
  FaultInjectionEnv fault_{&system_};
  std::unique_ptr<EventSchema> schema_;
};

TEST_F(FaultInjectionTest, AFailedLogWriteFailsTheAppendAndLeavesTheLogAsItWas) {
  const auto before = FiveEvents();
  {
    auto store = Open(&fault_);
    ASSERT_TRUE(store.ok()) << store.status();
    fault_.FailNextWrite(".log");
    auto r = (*store)->Append({Note("lost")});
    ASSERT_TRUE(absl::IsUnavailable(r.status())) << r.status();
    EXPECT_NE(r.status().message().find("(EIO)"), std::string::npos) << r.status();
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
    EXPECT_EQ(fault_.injected(), 1);
  }
  EXPECT_EQ(LogRows(), before);
  auto store = Open(&system_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->Verify(nullptr)->intact());
  EXPECT_EQ((*(*store)->Append({Note("next")}))[0].seq, 6u);
}

// The record reached the file but not the disk: not acknowledged, so it
// must not turn up in the log later either.
TEST_F(FaultInjectionTest, AFailedSyncFailsTheAppendAndTheEventNeverAppears) {
  const auto before = FiveEvents();
  {
    auto store = Open(&fault_);
    ASSERT_TRUE(store.ok()) << store.status();
    fault_.FailNextSync(".log");
    auto r = (*store)->Append({Note("unsynced")});
    ASSERT_TRUE(absl::IsUnavailable(r.status())) << r.status();
    EXPECT_NE(r.status().message().find("sync"), std::string::npos) << r.status();
  }
  EXPECT_EQ(LogRows(), before);
  auto store = Open(&system_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->head().seq, 5u);
  EXPECT_TRUE((*store)->Verify(nullptr)->intact());
}

TEST_F(FaultInjectionTest, AFullDiskFailsAWriterAtOnceNamingTheFreeSpace) {
  FiveEvents();
  fault_.SetNoSpace(true, 4096);
  auto writer = Open(&fault_);
  ASSERT_TRUE(absl::IsResourceExhausted(writer.status())) << writer.status();
  EXPECT_NE(writer.status().message().find("disk full: 4096 bytes free on " + dir_), std::string::npos)
      << writer.status();
  // Reading needs no space.
  auto reader = OpenReader(&fault_);
  ASSERT_TRUE(reader.ok()) << reader.status();
  auto all = (*reader)->Read(EventQuery{});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), 5u);
  EXPECT_TRUE((*reader)->Verify(nullptr)->intact());
}

TEST_F(FaultInjectionTest, RunningOutOfSpaceMidAppendIsDiskFullAndLosesNothing) {
  const auto before = FiveEvents();
  {
    auto store = Open(&fault_);
    ASSERT_TRUE(store.ok()) << store.status();
    fault_.SetNoSpace(true, 0);
    auto r = (*store)->Append({Note("no room")});
    ASSERT_TRUE(absl::IsResourceExhausted(r.status())) << r.status();
    EXPECT_NE(r.status().message().find("disk full: 0 bytes free on " + dir_), std::string::npos)
        << r.status();
  }  // closing must not wait for compactions a full disk stopped
  fault_.SetNoSpace(false);
  EXPECT_EQ(LogRows(), before);
}

// LevelDB's fault_injection_test in small: many short writers, then the
// power goes out. Everything Append acknowledged must be there.
TEST_F(FaultInjectionTest, ACrashLosesNoAcknowledgedEvent) {
  uint64_t acknowledged = 0;
  for (int round = 0; round < 12; ++round) {  // enough opens to flush and switch logs
    auto store = Open(&fault_);
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 0; i < 3; ++i) {
      auto r = (*store)->Append({Note(absl::StrCat("r", round, "-", i))});
      ASSERT_TRUE(r.ok()) << r.status();
      acknowledged = (*r)[0].seq;
    }
    if (round == 11) fault_.SetFilesystemActive(false);  // the crash, with the store open
  }
  ASSERT_TRUE(fault_.DropUnsyncedData().ok());
  fault_.SetFilesystemActive(true);
  auto store = Open(&system_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->head().seq, acknowledged);
  auto all = (*store)->Read(EventQuery{});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), acknowledged);
  EXPECT_TRUE((*store)->Verify(nullptr)->intact());
}

// The crash simulation itself: what it drops is what was not synced.
TEST_F(FaultInjectionTest, DropUnsyncedDataKeepsOnlyWhatWasSynced) {
  const std::string d = tmp_.Sub("files");
  ASSERT_TRUE(system_.CreateDir(d, 0700).ok());
  ASSERT_TRUE(system_.SyncDir(tmp_.path()).ok());
  {
    auto f = fault_.NewWritableFile(d + "/kept", {});
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append("synced").ok());
    ASSERT_TRUE((*f)->Sync().ok());
    ASSERT_TRUE((*f)->Append(" and not").ok());
  }
  ASSERT_TRUE(fault_.SyncDir(d).ok());
  auto f = fault_.NewWritableFile(d + "/new", {});
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append("x").ok());
  ASSERT_TRUE((*f)->Sync().ok());  // synced, but its name never was
  ASSERT_TRUE(WriteFileAtomically(system_, d + "/target", "old").ok());
  auto tmp = fault_.NewWritableFile(d + "/tmp", {});
  ASSERT_TRUE((*tmp)->Append("new").ok());
  ASSERT_TRUE((*tmp)->Sync().ok());
  ASSERT_TRUE(fault_.RenameFile(d + "/tmp", d + "/target").ok());  // no directory sync after it

  ASSERT_TRUE(fault_.DropUnsyncedData().ok());
  EXPECT_EQ(testing::ReadFile(d + "/kept"), "synced");
  EXPECT_FALSE(fs::exists(d + "/new"));
  EXPECT_EQ(testing::ReadFile(d + "/target"), "old");
  EXPECT_FALSE(fs::exists(d + "/tmp"));
}

}  // namespace
}  // namespace orch

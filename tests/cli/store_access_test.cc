// Who may open the store, and how: readers beside a writer, errors that
// name their real cause, private files, and readers that leave nothing
// behind.
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "absl/strings/match.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "eventstore/posix_env.h"
#include "gtest/gtest.h"
#include "tests/support/emit_modes.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

namespace fs = std::filesystem;

int Lines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

mode_t ModeOf(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

class StoreAccessTest : public EmitModeTest {
 protected:
  void SetUp() override {
    EmitModeTest::SetUp();
    store_ = tmp_.Sub("store");
    ASSERT_EQ(Orch(store_, {"init"}).exit_code, 0);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(Orch(store_, {"emit", "note", "--text", "n"}).exit_code, 0);
  }
  RunResult OrchWith(const std::map<std::string, std::string>& env, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {OrchBin(), "--store", store_};
    argv.insert(argv.end(), args.begin(), args.end());
    return orch::testing::Run(argv, "", env);
  }
  TempDir tmp_;
  std::string store_;
};

// Before, status opened the store as the writer to keep its checkpoint, and
// kept none when another process held it.
TEST_P(StoreAccessTest, ReadersRunAndKeepCheckpointsWhileAWriterHoldsTheStore) {
  SystemEnv env;
  StoreOptions o;
  o.env = &env;
  auto writer = OpenEventWriter(store_, o);  // this process holds the store
  ASSERT_TRUE(writer.ok()) << writer.status();
  for (const std::vector<std::string>& verb : {std::vector<std::string>{"status"},
                                               {"verify"},
                                               {"replay"},
                                               {"ledger"},
                                               {"export", "--dir", tmp_.Sub("pages")}}) {
    RunResult r = Orch(store_, verb);
    EXPECT_EQ(r.exit_code, 0) << verb[0] << ": " << r.err;
    EXPECT_TRUE(r.err.empty()) << verb[0] << ": " << r.err;
  }
  EXPECT_TRUE(fs::exists(store_ + "/checkpoints/project-model.00000000000000000004"));
  EXPECT_TRUE(fs::exists(store_ + "/checkpoints/project-model-details.00000000000000000004"));
  RunResult blocked = OrchWith({{"ORCH_LOCK_TIMEOUT", "1s"}}, {"emit", "note", "--text", "waits"});
  EXPECT_EQ(blocked.exit_code, 4);
  EXPECT_NE(blocked.err.find("locked by another process for more than 1s"), std::string::npos) << blocked.err;
  writer->reset();
  EXPECT_EQ(OrchWith({{"ORCH_LOCK_TIMEOUT", "0s"}}, {"emit", "note", "--text", "now"}).exit_code, 0);
}

TEST_P(StoreAccessTest, ABadLockTimeoutIsBadInput) {
  RunResult r = OrchWith({{"ORCH_LOCK_TIMEOUT", "soon"}}, {"emit", "note", "--text", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad ORCH_LOCK_TIMEOUT 'soon'"), std::string::npos) << r.err;
}

// Before: 0755 and 0644 under umask 022, every note readable by any user.
TEST_P(StoreAccessTest, TheStoreIsPrivateToItsOwner) {
  ASSERT_EQ(Orch(store_, {"status"}).exit_code, 0);  // leaves checkpoints too
  EXPECT_EQ(ModeOf(store_), 0700u);
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(store_)) {
    const mode_t mode = ModeOf(e.path().string());
    if (e.is_directory()) {
      EXPECT_EQ(mode, 0700u) << e.path();
    } else {
      EXPECT_EQ(mode & 077, 0u) << e.path() << " is open to others: " << std::oct << mode;
      ++files;
    }
  }
  EXPECT_GT(files, 8u);
}

TEST_P(StoreAccessTest, ASharedGroupStoreLetsTheGroupIn) {
  const std::string shared = tmp_.Sub("shared");
  ASSERT_EQ(Orch(shared, {"init", "--shared-group"}).exit_code, 0);
  ASSERT_EQ(Orch(shared, {"emit", "note", "--text", "x"}).exit_code, 0);
  ASSERT_EQ(Orch(shared, {"status"}).exit_code, 0);
  EXPECT_EQ(ModeOf(shared), 02770u);
  for (const auto& e : fs::recursive_directory_iterator(shared)) {
    const mode_t mode = ModeOf(e.path().string());
    if (e.is_directory()) {
      EXPECT_EQ(mode, 02770u) << e.path();
    } else if (e.path().filename() != "LOCK") {
      EXPECT_EQ(mode & 0067, 0060u) << e.path() << ": " << std::oct << mode;  // group rw, others nothing
    }
  }
}

// Before: permission denied was reported as "locked by another process"
// after waiting the whole timeout.
TEST_P(StoreAccessTest, PermissionDeniedIsSaidAtOnce) {
  std::vector<std::string> argv = {OrchBin(), "--store", store_, "emit", "note", "--text", "x"};
  if (::geteuid() == 0) {  // root reads everything: run as nobody
    argv.insert(argv.begin(), {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
  } else {
    fs::permissions(store_, fs::perms::owner_read | fs::perms::owner_exec);
  }
  RunResult r = orch::testing::Run(argv, "", {{"ORCH_LOCK_TIMEOUT", "3s"}});
  fs::permissions(store_, fs::perms::owner_all);
  if (r.exit_code == 127) GTEST_SKIP() << "cannot run as another user here";
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("Permission denied (EACCES)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("locked"), std::string::npos) << r.err;
}

// A store on a filesystem mounted read-only: writers say so at once,
// readers still read.
TEST_P(StoreAccessTest, AReadOnlyFilesystemIsSaidAtOnceAndStillRead) {
  const std::string mnt = tmp_.Sub("ro");
  fs::create_directories(mnt);
  if (::geteuid() != 0 || ::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=64m") != 0) {
    GTEST_SKIP() << "needs root to mount a tmpfs";
  }
  const std::string s = mnt + "/store";
  ASSERT_EQ(Orch(s, {"init"}).exit_code, 0);
  ASSERT_EQ(::mount(nullptr, mnt.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr), 0);
  RunResult emit = Orch(s, {"emit", "note", "--text", "x"});
  RunResult status = Orch(s, {"status"});
  RunResult verify = Orch(s, {"verify"});
  ::umount2(mnt.c_str(), MNT_DETACH);
  EXPECT_EQ(emit.exit_code, 4);
  EXPECT_EQ(Lines(emit.err), 1) << emit.err;
  EXPECT_NE(emit.err.find("Read-only file system (EROFS)"), std::string::npos) << emit.err;
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_TRUE(status.err.empty() && verify.err.empty()) << status.err << verify.err;
}

// A full disk: a writer fails at once with one line; the log can still be
// read. Before: 60 s per emit, ~120 RocksDB error lines, and readers that
// refused to run because they tried to flush.
TEST_P(StoreAccessTest, AFullDiskFailsWritersInOneLineAndReadersStillRead) {
  const std::string mnt = tmp_.Sub("full");
  fs::create_directories(mnt);
  if (::geteuid() != 0 || ::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=24m") != 0) {
    GTEST_SKIP() << "needs root to mount a tmpfs";
  }
  const std::string s = mnt + "/store";
  ASSERT_EQ(Orch(s, {"init"}).exit_code, 0);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Orch(s, {"emit", "note", "--text", "n"}).exit_code, 0);
  {
    const int fd = ::open((mnt + "/filler").c_str(), O_WRONLY | O_CREAT, 0600);
    std::string block(1 << 20, 'x');
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    ::close(fd);
  }
  RunResult emit = Orch(s, {"emit", "note", "--text", "no room"});
  RunResult status = Orch(s, {"status"});
  RunResult replay = Orch(s, {"replay"});
  RunResult verify = Orch(s, {"verify"});
  ::umount2(mnt.c_str(), MNT_DETACH);
  EXPECT_EQ(emit.exit_code, 4);
  EXPECT_EQ(Lines(emit.err), 1) << emit.err;
  EXPECT_TRUE(absl::StartsWith(emit.err, "orch: disk full: ")) << emit.err;
  EXPECT_NE(emit.err.find(" bytes free on " + s), std::string::npos) << emit.err;
  for (const RunResult* r : {&status, &replay, &verify}) {
    EXPECT_EQ(r->exit_code, 0) << r->err;
    EXPECT_TRUE(r->err.empty()) << r->err;
  }
  EXPECT_EQ(Lines(replay.out), 4);
}

// Before: every killed `replay -f` left a /tmp/orch-follower-* directory.
TEST_P(StoreAccessTest, AKilledFollowerLeavesNothingBehindForLong) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(OrchBin().c_str(), "orch", "--store", store_.c_str(), "replay", "-f", nullptr);
    _exit(127);
  }
  const std::string mine = store_ + "/readers/" + std::to_string(pid) + ".";
  auto has_dir = [&] {
    if (!fs::exists(store_ + "/readers")) return false;
    for (const auto& e : fs::directory_iterator(store_ + "/readers")) {
      if (absl::StartsWith(e.path().string(), mine)) return true;
    }
    return false;
  };
  for (int i = 0; i < 200 && !has_dir(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(has_dir()) << "the follower keeps its files in " << store_ << "/readers";
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ASSERT_TRUE(has_dir());                            // killed: it could not clean up
  ASSERT_EQ(Orch(store_, {"status"}).exit_code, 0);  // the next reader does
  EXPECT_FALSE(has_dir());
  EXPECT_TRUE(fs::is_empty(store_ + "/readers"));
}

ORCH_BOTH_EMIT_MODES(StoreAccessTest);

}  // namespace
}  // namespace orch::testing

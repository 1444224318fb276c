// The safe file writers: exclusive temporary names, no link followed,
// leftovers of killed writers removed, a directory replaced as one set.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "eventstore/atomic_file.h"
#include "eventstore/posix_env.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace orch {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode;
}

class AtomicFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    victim_ = tmp_.Sub("victim");  // e.g. a root-owned 0600 file
    WriteFile(victim_, "secret\n");
    ::chmod(victim_.c_str(), 0600);
  }
  SystemEnv env_;
  TempDir tmp_;
  std::string victim_;
};

// The old writer opened ".NAME.tmp.PID" with O_CREAT|O_TRUNC: a link
// planted under that predictable name made it overwrite the link's target.
TEST_F(AtomicFilesTest, LinkPlantedAtThePredictableTemporaryNameIsNotFollowed) {
  const std::string out = tmp_.Sub("ledger.json");
  for (const std::string& planted : {absl::StrCat(".ledger.json.tmp.", ::getpid()),
                                     std::string(".ledger.json.orch-tmp-0000000000000000")}) {
    ASSERT_EQ(::symlink(victim_.c_str(), tmp_.Sub(planted).c_str()), 0);
  }
  ASSERT_TRUE(WriteFileAtomically(env_, out, "{\"new\":true}\n").ok());
  EXPECT_EQ(ReadFile(victim_), "secret\n");
  EXPECT_EQ(ModeOf(victim_) & 0777, 0600u);
  EXPECT_TRUE(S_ISREG(ModeOf(out)));
  EXPECT_EQ(ReadFile(out), "{\"new\":true}\n");
}

TEST_F(AtomicFilesTest, LinkAtTheTargetIsReplacedNotWrittenThrough) {
  const std::string out = tmp_.Sub("status.md");
  ASSERT_EQ(::symlink(victim_.c_str(), out.c_str()), 0);
  ASSERT_TRUE(WriteFileAtomically(env_, out, "# status\n").ok());
  EXPECT_EQ(ReadFile(victim_), "secret\n");
  EXPECT_TRUE(S_ISREG(ModeOf(out)));
  EXPECT_EQ(ReadFile(out), "# status\n");
}

TEST_F(AtomicFilesTest, LeftoversOfKilledWritersAreRemovedLiveOnesKept) {
  const std::string dead = tmp_.Sub(".page.html.orch-tmp-deadbeefdeadbeef");
  const std::string live = tmp_.Sub(".page.html.orch-tmp-1111111111111111");
  WriteFile(dead, "half");
  WriteFile(live, "being written");
  const int held = ::open(live.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_EQ(::flock(held, LOCK_EX), 0);  // as a writer that is still running
  ASSERT_TRUE(WriteFileAtomically(env_, tmp_.Sub("page.html"), "<p>ok</p>").ok());
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(live));
  ::close(held);
  EXPECT_EQ(Entries(tmp_.path()),
            (std::vector<std::string>{".page.html.orch-tmp-1111111111111111", "page.html", "victim"}));
}

TEST_F(AtomicFilesTest, MissingDirectoryIsBadInput) {  // NotFound: exit 2
  const absl::Status s = WriteFileAtomically(env_, tmp_.Sub("no/such/dir/x.json"), "{}");
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
}

const std::vector<NamedContent> kSetA = {{"a.json", "A1\n"}, {"b.md", "B1\n"}};
const std::vector<NamedContent> kSetB = {{"a.json", "A2\n"}, {"b.md", "B2\n"}};

TEST_F(AtomicFilesTest, DirectoryIsCreatedThenReplacedWhole) {
  const std::string dir = tmp_.Sub("pages/out");  // parents are created
  ASSERT_TRUE(ReplaceDirectoryAtomically(env_, dir, kSetA).ok());
  EXPECT_EQ(Entries(dir), (std::vector<std::string>{".orch-export", "a.json", "b.md"}));
  EXPECT_EQ(ReadFile(dir + "/a.json"), "A1\n");
  ASSERT_TRUE(ReplaceDirectoryAtomically(env_, dir, kSetB).ok());
  EXPECT_EQ(ReadFile(dir + "/a.json"), "A2\n");
  EXPECT_EQ(ReadFile(dir + "/b.md"), "B2\n");
  // Nothing beside it: the old set is gone, no temporary entry is left.
  EXPECT_EQ(Entries(tmp_.Sub("pages")), (std::vector<std::string>{"out"}));
  // A set with other files replaces one with fewer (the marker lists them).
  ASSERT_TRUE(ReplaceDirectoryAtomically(env_, dir, {{"c.txt", "C\n"}}).ok());
  EXPECT_EQ(Entries(dir), (std::vector<std::string>{".orch-export", "c.txt"}));
  ASSERT_TRUE(ReplaceDirectoryAtomically(env_, dir, kSetA).ok());
  EXPECT_EQ(Entries(dir), (std::vector<std::string>{".orch-export", "a.json", "b.md"}));
}

TEST_F(AtomicFilesTest, EmptyDirectoryIsTaken) {
  const std::string dir = tmp_.Sub("empty");
  fs::create_directory(dir);
  ASSERT_TRUE(ReplaceDirectoryAtomically(env_, dir, kSetA).ok());
  EXPECT_EQ(ReadFile(dir + "/b.md"), "B1\n");
}

// Written by an export before the marker existed: the same names, nothing else.
TEST_F(AtomicFilesTest, DirectoryOfTheSetsOwnFilesIsTaken) {
  const std::string dir = tmp_.Sub("legacy");
  WriteFile(dir + "/a.json", "old\n");
  WriteFile(dir + "/b.md", "old\n");
  ASSERT_TRUE(ReplaceDirectoryAtomically(env_, dir, kSetB).ok());
  EXPECT_EQ(Entries(dir), (std::vector<std::string>{".orch-export", "a.json", "b.md"}));
  EXPECT_EQ(ReadFile(dir + "/a.json"), "A2\n");
}

TEST_F(AtomicFilesTest, ForeignDirectoryIsRefusedAndLeftAlone) {
  const std::string dir = tmp_.Sub("docs");
  WriteFile(dir + "/notes.txt", "mine\n");
  WriteFile(dir + "/a.json", "mine too\n");
  absl::Status s = ReplaceDirectoryAtomically(env_, dir, kSetA);
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_NE(s.message().find("notes.txt"), absl::string_view::npos) << s;
  EXPECT_EQ(Entries(dir), (std::vector<std::string>{"a.json", "notes.txt"}));
  EXPECT_EQ(Entries(tmp_.path()), (std::vector<std::string>{"docs", "victim"}));

  // An owned directory that someone added a file to is foreign again.
  const std::string owned = tmp_.Sub("owned");
  ASSERT_TRUE(ReplaceDirectoryAtomically(env_, owned, kSetA).ok());
  WriteFile(owned + "/keep-me.txt", "x");
  s = ReplaceDirectoryAtomically(env_, owned, kSetB);
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_NE(s.message().find("keep-me.txt"), absl::string_view::npos) << s;
  EXPECT_EQ(ReadFile(owned + "/keep-me.txt"), "x");
  EXPECT_EQ(ReadFile(owned + "/a.json"), "A1\n");
}

TEST_F(AtomicFilesTest, LinksAreNeverFollowed) {
  // The directory itself is a link: refused, the target untouched.
  const std::string real = tmp_.Sub("real");
  ASSERT_TRUE(ReplaceDirectoryAtomically(env_, real, kSetA).ok());
  const std::string link = tmp_.Sub("link");
  ASSERT_EQ(::symlink(real.c_str(), link.c_str()), 0);
  absl::Status s = ReplaceDirectoryAtomically(env_, link, kSetB);
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_NE(s.message().find("symbolic link"), absl::string_view::npos) << s;
  EXPECT_EQ(ReadFile(real + "/a.json"), "A1\n");

  // A link planted inside an owned directory, under a name the set uses.
  ASSERT_EQ(::unlink((real + "/a.json").c_str()), 0);
  ASSERT_EQ(::symlink(victim_.c_str(), (real + "/a.json").c_str()), 0);
  s = ReplaceDirectoryAtomically(env_, real, kSetB);
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_NE(s.message().find("a.json (not a regular file)"), absl::string_view::npos) << s;
  EXPECT_EQ(ReadFile(victim_), "secret\n");
  EXPECT_EQ(ModeOf(victim_) & 0777, 0600u);
}

TEST_F(AtomicFilesTest, LeftoverDirectoriesOfKilledExportsAreRemoved) {
  const std::string dir = tmp_.Sub("out");
  ASSERT_TRUE(ReplaceDirectoryAtomically(env_, dir, kSetA).ok());
  // What a kill leaves: a half-built set, or the old set after the swap.
  WriteFile(tmp_.Sub(".out.orch-tmp-aaaaaaaaaaaaaaaa/a.json"), "half");
  WriteFile(tmp_.Sub(".out.orch-tmp-bbbbbbbbbbbbbbbb/b.md"), "old");
  // A live export's (locked) is left alone.
  WriteFile(tmp_.Sub(".out.orch-tmp-cccccccccccccccc/a.json"), "building");
  const int held = ::open(tmp_.Sub(".out.orch-tmp-cccccccccccccccc").c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_EQ(::flock(held, LOCK_EX), 0);
  ASSERT_TRUE(ReplaceDirectoryAtomically(env_, dir, kSetB).ok());
  EXPECT_EQ(Entries(tmp_.path()),
            (std::vector<std::string>{".out.orch-tmp-cccccccccccccccc", "out", "victim"}));
  ::close(held);
  EXPECT_EQ(ReadFile(dir + "/a.json"), "A2\n");
}

}  // namespace
}  // namespace orch

// orch export writes its four files as one set from one log head, into a
// directory it owns, following no link; killed at any moment it leaves the
// old set or the new one, and the next export sweeps what the kill left.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

namespace fs = std::filesystem;

const std::set<std::string> kPages = {"ledger.json", "status.json", "status.md", "status.html"};

std::set<std::string> Entries(const std::string& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.insert(e.path().filename().string());
  return out;
}

// The log head a page was rendered from: every page names it.
long HeadOf(const std::string& name, const std::string& text) {
  static const std::regex json_head("\"headSeq\":\\s*(\\d+)");
  static const std::regex page_head("log up to #(\\d+)");
  std::smatch m;
  const bool found =
      std::regex_search(text, m, name.find(".json") != std::string::npos ? json_head : page_head);
  return found ? std::stol(m[1]) : -1;
}

// Starts `argv` with its output discarded; returns its pid.
pid_t Spawn(const std::vector<std::string>& argv) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = tmp_.Sub("store");
    site_ = tmp_.Sub("site");
    out_ = site_ + "/status";
    ASSERT_EQ(Orch(store_, {"init", "--max-concurrency", "3"}).exit_code, 0);
    ASSERT_EQ(Orch(store_, {"lane", "open", "work"}).exit_code, 0);
    for (int i = 1; i <= 3; ++i) {
      const std::string t = "T" + std::to_string(i);
      ASSERT_EQ(Orch(store_, {"emit", "dispatched", "--task", t, "--title", "task " + t, "--package-id",
                              "work", "--allowed", t + "/**"})
                    .exit_code,
                0);
    }
  }

  RunResult Export() { return Orch(store_, {"export", "--dir", out_}); }

  // All four pages are there, and all were rendered from one head. Returns it.
  long CheckOneWholeSet(const std::string& when) {
    const std::set<std::string> entries = Entries(out_);
    long head = -1;
    for (const std::string& page : kPages) {
      EXPECT_EQ(entries.count(page), 1u) << when << ": " << page << " missing";
      const long h = HeadOf(page, ReadFile(out_ + "/" + page));
      EXPECT_GT(h, 0) << when << ": " << page << " names no head";
      if (head == -1) head = h;
      EXPECT_EQ(h, head) << when << ": " << page << " is from another head than ledger.json";
    }
    for (const std::string& e : entries) {
      EXPECT_TRUE(kPages.count(e) == 1 || e == ".orch-export") << when << ": stray " << e << " in the set";
    }
    return head;
  }

  // After an export that ran to its end: nothing beside the set, in or next to it.
  void CheckNothingLeftBehind(const std::string& when) {
    EXPECT_EQ(Entries(site_), std::set<std::string>{"status"}) << when;
    std::set<std::string> entries = Entries(out_);
    entries.erase(".orch-export");  // the marker is the design's, tested above
    EXPECT_EQ(entries, kPages) << when;
  }

  TempDir tmp_;
  std::string store_, site_, out_;
};

TEST_F(ExportTest, WritesOneSetFromOneHeadIntoADirectoryItOwns) {
  RunResult r = Export();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(CheckOneWholeSet("first"), 5);  // init, the lane, three dispatches
  CheckNothingLeftBehind("first");
  EXPECT_EQ(Entries(out_).count(".orch-export"), 1u);
  EXPECT_NE(ReadFile(out_ + "/.orch-export").find("status.html"), std::string::npos);
  ASSERT_EQ(Orch(store_, {"emit", "note", "--text", "more"}).exit_code, 0);
  r = Export();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(CheckOneWholeSet("second"), 6);
  CheckNothingLeftBehind("second");
}

TEST_F(ExportTest, RefusesADirectoryWithFilesOfSomeoneElse) {
  WriteFile(out_ + "/notes.txt", "mine\n");
  RunResult r = Export();
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("notes.txt"), std::string::npos) << r.err;
  EXPECT_EQ(Entries(out_), std::set<std::string>{"notes.txt"});
  EXPECT_EQ(Entries(site_), std::set<std::string>{"status"});
}

TEST_F(ExportTest, RefusesADirectoryThatIsALink) {
  const std::string elsewhere = tmp_.Sub("elsewhere");
  fs::create_directories(elsewhere);
  fs::create_directories(site_);
  ASSERT_EQ(::symlink(elsewhere.c_str(), out_.c_str()), 0);
  RunResult r = Export();
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("symbolic link"), std::string::npos) << r.err;
  EXPECT_TRUE(Entries(elsewhere).empty());
}

// The old export renamed four files one by one: a kill between two renames
// left pages from two heads (3 to 5 kills in 40), and a kill mid-write left
// its temporary files in the directory for good.
TEST_F(ExportTest, KilledAtAnyMomentLeavesTheOldSetOrTheNewAndTheNextExportSweeps) {
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(Export().exit_code, 0);
  // Not a timed assertion: how long one export takes here only spreads the
  // kills over its whole run.
  const auto took =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  std::mt19937 rng(4242);
  std::uniform_int_distribution<long> delay(0, took * 13 / 10);
  const std::vector<std::string> argv = {OrchBin(), "--store", store_, "export", "--dir", out_};
  long last_head = 4;  // the set in place can only move forward, to a head that existed
  for (int i = 0; i < 42; ++i) {
    ASSERT_EQ(Orch(store_, {"emit", "note", "--text", "n" + std::to_string(i)}).exit_code, 0);
    const pid_t pid = Spawn(argv);
    std::this_thread::sleep_for(std::chrono::microseconds(delay(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const std::string when = "after kill " + std::to_string(i);
    const long head = CheckOneWholeSet(when);
    EXPECT_GE(head, last_head) << when;
    EXPECT_LE(head, 6 + i) << when;
    last_head = head;
    if (::testing::Test::HasFailure()) return;
    if (i % 6 == 5) {  // an export that runs to its end sweeps what the kills left
      RunResult r = Export();
      ASSERT_EQ(r.exit_code, 0) << r.err;
      last_head = CheckOneWholeSet("export after kill " + std::to_string(i));
      EXPECT_EQ(last_head, 6 + i);
      CheckNothingLeftBehind("export after kill " + std::to_string(i));
      if (::testing::Test::HasFailure()) return;
    }
  }
}

// status --out and ledger --out use the same writer: a link at the target
// is replaced, not written through, and a killed writer's leftover is swept.
TEST_F(ExportTest, OutFilesFollowNoLinkAndSweepLeftovers) {
  const std::string victim = tmp_.Sub("victim");
  WriteFile(victim, "secret\n");
  ::chmod(victim.c_str(), 0600);
  const std::string page = tmp_.Sub("page.md");
  ASSERT_EQ(::symlink(victim.c_str(), page.c_str()), 0);
  WriteFile(tmp_.Sub(".page.md.orch-tmp-deadbeefdeadbeef"), "half");
  RunResult r = Orch(store_, {"status", "--format", "md", "--out", page});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(victim), "secret\n");
  struct stat st;
  ASSERT_EQ(::lstat(page.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_NE(ReadFile(page).find("log up to #5"), std::string::npos);
  EXPECT_FALSE(fs::exists(tmp_.Sub(".page.md.orch-tmp-deadbeefdeadbeef")));

  const std::string ledger = tmp_.Sub("ledger.json");
  ASSERT_EQ(::symlink(victim.c_str(), ledger.c_str()), 0);
  r = Orch(store_, {"ledger", "--out", ledger});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(victim), "secret\n");
  ASSERT_EQ(::lstat(ledger.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
}

}  // namespace
}  // namespace orch::testing

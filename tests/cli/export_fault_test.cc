// orch export --dir and the --out files over a fault-injecting Env, run in
// process (RunCli): a failed write, a failed sync and a full disk each give
// one line and exit 4, leave the previous set or file as it was and no
// temporary entry; and a crash that loses everything not synced, after an
// export that succeeded, still leaves the new set whole. (Killing a process
// does not test fsync: the kernel keeps its page cache. Only the Env can
// lose unsynced data.)
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "eventstore/fault_injection_env.h"
#include "eventstore/posix_env.h"
#include "gtest/gtest.h"
#include "tests/cli/in_process_cli.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

namespace fs = std::filesystem;

// name -> content of every entry of `dir` (none when it is missing).
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    out[e.path().filename().string()] = e.is_regular_file() ? ReadFile(e.path().string()) : "(not a file)";
  }
  return out;
}

std::set<std::string> Names(const std::string& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.insert(e.path().filename().string());
  return out;
}

// One fault: how to arm it for the temporary entries of the target NAME
// (".NAME.orch-tmp-...", not the store's own files), and what the error
// line must say.
struct Fault {
  const char* name;
  std::function<void(FaultInjectionEnv&, const std::string& temp_prefix)> arm;
  const char* says;
};

const std::vector<Fault>& Faults() {
  static const std::vector<Fault> faults = {
      {"failed write", [](FaultInjectionEnv& f, const std::string& p) { f.FailNextWrite(p); },
       "write (injected)"},
      {"failed sync", [](FaultInjectionEnv& f, const std::string& p) { f.FailNextSync(p); },
       "sync (injected)"},
      {"no space", [](FaultInjectionEnv& f, const std::string&) { f.SetNoSpace(true, 0); }, "disk full: "},
  };
  return faults;
}

class ExportFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = *EventSchema::Load();
    store_ = tmp_.Sub("store");
    site_ = tmp_.Sub("site");
    out_ = site_ + "/status";
    ASSERT_EQ(Cli(&system_, {"init"}).exit_code, 0);
    Emit();
  }

  CliResult Cli(Env* env, std::vector<std::string> args) {
    return RunCliInProcess(env, schema_.get(), store_, std::move(args));
  }

  void Emit() {
    ASSERT_EQ(Cli(&system_, {"emit", "note", "--text", "n" + std::to_string(++emitted_)}).exit_code, 0);
  }

  // The set at out_ is the four pages and the marker, none empty, all from
  // log head `head`.
  void ExpectWholeSet(long head, const std::string& when) {
    const std::map<std::string, std::string> set = Snapshot(out_);
    EXPECT_EQ(Names(out_), (std::set<std::string>{".orch-export", "ledger.json", "status.html", "status.json",
                                                  "status.md"}))
        << when;
    for (const auto& [name, content] : set)
      EXPECT_FALSE(content.empty()) << when << ": " << name << " is empty";
    if (set.count("status.md") == 1) {
      EXPECT_NE(set.at("status.md").find("log up to #" + std::to_string(head)), std::string::npos) << when;
    }
    EXPECT_EQ(Names(site_), std::set<std::string>{"status"}) << when << ": something beside the set";
  }

  // A fault during an export over an earlier set: one line, exit 4, the
  // earlier set as it was, nothing beside it.
  void ExpectExportFaultHandled(const Fault& fault) {
    ASSERT_EQ(Cli(&system_, {"export", "--dir", out_}).exit_code, 0);
    const std::map<std::string, std::string> before = Snapshot(out_);
    Emit();
    fault.arm(fault_, "/.status.orch-tmp-");
    CliResult r = Cli(&fault_, {"export", "--dir", out_});
    fault_.SetNoSpace(false);
    EXPECT_EQ(r.exit_code, 4) << fault.name << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << fault.name << ": " << r.out;
    EXPECT_TRUE(absl::StartsWith(r.err, "orch: ")) << fault.name << ": " << r.err;
    EXPECT_NE(r.err.find(fault.says), std::string::npos) << fault.name << ": " << r.err;
    EXPECT_NE(r.err.find(site_ + "/.status.orch-tmp-"), std::string::npos) << fault.name << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << fault.name << ": " << r.err;
    EXPECT_EQ(Snapshot(out_), before) << fault.name << ": the earlier set changed";
    EXPECT_EQ(Names(site_), std::set<std::string>{"status"}) << fault.name << ": a temporary entry was left";
    EXPECT_GT(fault_.injected(), 0) << fault.name;
  }

  // The same for status --out FILE over an earlier file.
  void ExpectOutFaultHandled(const Fault& fault) {
    const std::string page = tmp_.Sub("pages/status.md");
    fs::create_directories(tmp_.Sub("pages"));
    ASSERT_EQ(Cli(&system_, {"status", "--format", "md", "--out", page}).exit_code, 0);
    const std::string before = ReadFile(page);
    Emit();
    fault.arm(fault_, "/.status.md.orch-tmp-");
    CliResult r = Cli(&fault_, {"status", "--format", "md", "--out", page});
    fault_.SetNoSpace(false);
    EXPECT_EQ(r.exit_code, 4) << fault.name << ": " << r.err;
    EXPECT_TRUE(absl::StartsWith(r.err, "orch: ")) << fault.name << ": " << r.err;
    EXPECT_NE(r.err.find(fault.says), std::string::npos) << fault.name << ": " << r.err;
    EXPECT_NE(r.err.find(tmp_.Sub("pages/.status.md.orch-tmp-")), std::string::npos)
        << fault.name << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << fault.name << ": " << r.err;
    EXPECT_EQ(ReadFile(page), before) << fault.name << ": the earlier file changed";
    EXPECT_EQ(Names(tmp_.Sub("pages")), std::set<std::string>{"status.md"})
        << fault.name << ": a temporary file was left";
  }

  TempDir tmp_;
  std::string store_, site_, out_;
  int emitted_ = 0;
  SystemEnv system_;
  FaultInjectionEnv fault_{&system_};
  std::unique_ptr<EventSchema> schema_;
};

TEST_F(ExportFaultTest, AFailedWriteDuringAnExportKeepsTheEarlierSet) {
  ExpectExportFaultHandled(Faults()[0]);
}
TEST_F(ExportFaultTest, AFailedSyncDuringAnExportKeepsTheEarlierSet) {
  ExpectExportFaultHandled(Faults()[1]);
}
TEST_F(ExportFaultTest, NoSpaceDuringAnExportIsDiskFullAndKeepsTheEarlierSet) {
  ExpectExportFaultHandled(Faults()[2]);
}

TEST_F(ExportFaultTest, AFailedWriteOfAnOutFileKeepsTheEarlierFile) { ExpectOutFaultHandled(Faults()[0]); }
TEST_F(ExportFaultTest, AFailedSyncOfAnOutFileKeepsTheEarlierFile) { ExpectOutFaultHandled(Faults()[1]); }
TEST_F(ExportFaultTest, NoSpaceForAnOutFileIsDiskFullAndKeepsTheEarlierFile) {
  ExpectOutFaultHandled(Faults()[2]);
}

// The export succeeded, then the power went out: what it wrote must have
// been synced, files, the new directory's entries, and the exchange in the
// parent, or the crash leaves empty pages, an empty directory or the old
// set.
TEST_F(ExportFaultTest, ACrashAfterAnExportOverAnEarlierSetKeepsTheNewSetWhole) {
  ASSERT_EQ(Cli(&fault_, {"export", "--dir", out_}).exit_code, 0);
  Emit();
  CliResult r = Cli(&fault_, {"export", "--dir", out_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::map<std::string, std::string> written = Snapshot(out_);
  fault_.SetFilesystemActive(false);
  ASSERT_TRUE(fault_.DropUnsyncedData().ok());
  EXPECT_EQ(Snapshot(out_), written);
  ExpectWholeSet(3, "after the crash");
}

TEST_F(ExportFaultTest, ACrashAfterTheFirstExportKeepsItsSetWhole) {
  CliResult r = Cli(&fault_, {"export", "--dir", out_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::map<std::string, std::string> written = Snapshot(out_);
  fault_.SetFilesystemActive(false);
  ASSERT_TRUE(fault_.DropUnsyncedData().ok());
  EXPECT_EQ(Snapshot(out_), written);
  ExpectWholeSet(2, "after the crash");
}

TEST_F(ExportFaultTest, ACrashAfterAnOutFileWasWrittenKeepsTheNewFile) {
  const std::string page = tmp_.Sub("status.md");
  ASSERT_EQ(Cli(&fault_, {"status", "--format", "md", "--out", page}).exit_code, 0);
  Emit();
  ASSERT_EQ(Cli(&fault_, {"status", "--format", "md", "--out", page}).exit_code, 0);
  const std::string written = ReadFile(page);
  ASSERT_NE(written.find("log up to #3"), std::string::npos) << written;
  fault_.SetFilesystemActive(false);
  ASSERT_TRUE(fault_.DropUnsyncedData().ok());
  EXPECT_EQ(ReadFile(page), written);
}

}  // namespace
}  // namespace orch::testing

// Helpers for black-box tests: temporary directories, running the real
// `orch` binary, and making real git repositories with the git CLI.
#ifndef ORCH_TESTS_SUPPORT_TEST_SUPPORT_H_
#define ORCH_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <map>
#include <string>
#include <vector>

namespace orch::testing {

// A fresh directory under $TMPDIR, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// How `orch emit` reaches the log in a test: directly (ORCH_NO_SERVER=1)
// or through the store's auto-started server, the path users take. Suites
// that emit run in both (tests/support/emit_modes.h).
enum class EmitMode { kDirect, kServer };
// The mode Run() gives a child whose `env` does not set ORCH_NO_SERVER.
// Process-wide: set by an EmitModeTest fixture for its test.
void SetDefaultEmitMode(EmitMode mode);
EmitMode DefaultEmitMode();
const char* EmitModeName(EmitMode mode);

struct RunResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] is looked up on PATH unless it has a slash) in `cwd`
// with extra environment variables, feeding `stdin_text`. ORCH_NO_SERVER=1
// unless `env` sets it (to "" for `orch emit` through `orch serve`) or the
// default emit mode is kServer (then "" with a short idle exit, unless
// `env` says otherwise).
RunResult Run(const std::vector<std::string>& argv, const std::string& cwd = "",
              const std::map<std::string, std::string>& env = {}, const std::string& stdin_text = "");

// The orch binary under test ($ORCH_BIN, set by CMake).
std::string OrchBin();
// The source tree ($ORCH_SOURCE_DIR, else the one this was built from).
std::string SourceDir();
// Runs orch with --store `store` prepended to `args`.
RunResult Orch(const std::string& store, const std::vector<std::string>& args,
               const std::string& stdin_text = "", const std::string& cwd = "");

// Runs git in `repo`; fails the current test on a non-zero exit.
std::string Git(const std::string& repo, const std::vector<std::string>& args);
// git init with a deterministic identity and branch name `main`.
void InitRepo(const std::string& path);
// Writes a file (creating parent directories).
void WriteFile(const std::string& path, const std::string& content);
std::string ReadFile(const std::string& path);

// All key/value pairs of a RocksDB store, for byte-for-byte comparisons.
// The store must not be open elsewhere.
std::map<std::string, std::string> DumpStore(const std::string& dir);

}  // namespace orch::testing

#endif  // ORCH_TESTS_SUPPORT_TEST_SUPPORT_H_

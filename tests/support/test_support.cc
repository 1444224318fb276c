#include "tests/support/test_support.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "gtest/gtest.h"
#include "rocksdb/db.h"

namespace orch::testing {

TempDir::TempDir() {
  std::string base = std::filesystem::temp_directory_path().string() + "/orch-test-XXXXXX";
  std::vector<char> buf(base.begin(), base.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) std::abort();
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

namespace {

EmitMode default_emit_mode = EmitMode::kDirect;

std::string Drain(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

}  // namespace

void SetDefaultEmitMode(EmitMode mode) { default_emit_mode = mode; }
EmitMode DefaultEmitMode() { return default_emit_mode; }
const char* EmitModeName(EmitMode mode) { return mode == EmitMode::kDirect ? "Direct" : "Server"; }

RunResult Run(const std::vector<std::string>& argv, const std::string& cwd,
              const std::map<std::string, std::string>& env, const std::string& stdin_text) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0 || pipe(err_pipe) != 0) std::abort();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    // Suites write directly unless they ask for the server (ORCH_NO_SERVER
    // set to "" in `env`, or the default emit mode). An auto-started server
    // exits once the test's directory is gone (within a second).
    if (default_emit_mode == EmitMode::kServer) {
      setenv("ORCH_NO_SERVER", "", 1);
      setenv("ORCH_SERVE_IDLE_EXIT", "30s", 1);
    } else {
      setenv("ORCH_NO_SERVER", "1", 1);
    }
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  std::thread writer([&] {
    size_t off = 0;
    while (off < stdin_text.size()) {
      ssize_t n = write(in_pipe[1], stdin_text.data() + off, stdin_text.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(in_pipe[1]);
  });
  RunResult r;
  std::thread err_reader([&] { r.err = Drain(err_pipe[0]); });
  r.out = Drain(out_pipe[0]);
  err_reader.join();
  writer.join();
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string OrchBin() {
  const char* bin = std::getenv("ORCH_BIN");
  return bin != nullptr ? bin : "orch";
}

std::string SourceDir() {
  const char* dir = std::getenv("ORCH_SOURCE_DIR");
  return dir != nullptr ? dir : ORCH_SOURCE_DIR;
}

RunResult Orch(const std::string& store, const std::vector<std::string>& args, const std::string& stdin_text,
               const std::string& cwd) {
  std::vector<std::string> argv = {OrchBin(), "--store", store};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, cwd, {}, stdin_text);
}

std::string Git(const std::string& repo, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"git", "-C", repo};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = Run(argv, "",
                    {{"GIT_AUTHOR_NAME", "Test"},
                     {"GIT_AUTHOR_EMAIL", "test@example.com"},
                     {"GIT_COMMITTER_NAME", "Test"},
                     {"GIT_COMMITTER_EMAIL", "test@example.com"}});
  EXPECT_EQ(r.exit_code, 0) << "git " << args[0] << ": " << r.err;
  return r.out;
}

void InitRepo(const std::string& path) {
  std::filesystem::create_directories(path);
  Git(path, {"init", "-q", "-b", "main"});
  Git(path, {"config", "user.name", "Test"});
  Git(path, {"config", "user.email", "test@example.com"});
  Git(path, {"config", "commit.gpgsign", "false"});
}

void WriteFile(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::map<std::string, std::string> DumpStore(const std::string& dir) {
  std::map<std::string, std::string> all;
  rocksdb::Options o;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(o, dir, &db);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return all;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) all[it->key().ToString()] = it->value().ToString();
  it.reset();  // iterators must go before their DB
  delete db;
  return all;
}

}  // namespace orch::testing

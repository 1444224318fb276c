#include "tests/serve/serve_support.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "absl/strings/numbers.h"
#include "server/client.h"
#include "server/endpoint.h"

namespace orch::testing {

std::map<std::string, std::string> ServerEnv() {
  return {{"ORCH_NO_SERVER", ""}, {"ORCH_SERVE_IDLE_EXIT", "30s"}};
}

std::pair<std::string, int> HostPortOf(const std::string& url) {
  const std::string rest = url.substr(std::string("http://").size());
  const size_t colon = rest.rfind(':');
  int port = 0;
  EXPECT_TRUE(absl::SimpleAtoi(rest.substr(colon + 1), &port)) << url;
  return {rest.substr(0, colon), port};
}

namespace {

absl::StatusOr<server::Reply> Ask(const std::string& store, server::Op op) {
  server::Request r;
  r.op = op;
  return server::Call(server::SocketPathFor(store), store, r);
}

}  // namespace

pid_t ServerPid(const std::string& store) {
  auto answer = Ask(store, server::Op::kPing);
  if (!answer.ok() || answer->pid == 0) return 0;
  return static_cast<pid_t>(answer->pid);
}

void StopServer(const std::string& store) {
  const pid_t pid = ServerPid(store);
  if (pid == 0) return;
  (void)Ask(store, server::Op::kStop);
  for (int i = 0; i < 3000 && server::ServeLockHeld(store); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (server::ServeLockHeld(store)) ::kill(pid, SIGKILL);
}

ServerProcess::ServerProcess(const std::string& store, const std::vector<std::string>& args) : store_(store) {
  std::vector<std::string> argv = {OrchBin(), "--store", store, "serve"};
  argv.insert(argv.end(), args.begin(), args.end());
  thread_ = std::thread([this, argv] {
    result_ = orch::testing::Run(argv);
    exited_ = true;
  });
  while (!exited_) {
    auto answer = Ask(store, server::Op::kPing);
    if (answer.ok()) {
      url_ = answer->http;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  thread_.join();
  finished_ = true;
}

RunResult ServerProcess::Finish() {
  if (!finished_) {
    StopServer(store_);
    thread_.join();
    finished_ = true;
  }
  return result_;
}

ServerProcess::~ServerProcess() { Finish(); }

void ServeFixture::SetUp() {
  store_ = tmp_.Sub("store");
  RunResult r = Orch(store_, {"init"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

void ServeFixture::TearDown() {
  for (const auto& entry : std::filesystem::directory_iterator(tmp_.path())) {
    if (std::filesystem::exists(entry.path() / "CURRENT")) StopServer(entry.path().string());
  }
}

RunResult ServeFixture::Emit(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {OrchBin(), "--store", store_, "emit"};
  argv.insert(argv.end(), args.begin(), args.end());
  return orch::testing::Run(argv, "", ServerEnv());
}

}  // namespace orch::testing

// What the `orch serve` suites share: a store whose emits go through a
// server, and teardown that stops every server the test started (by the
// pid it reports, never by name: other processes run on this machine).
#ifndef ORCH_TESTS_SERVE_SERVE_SUPPORT_H_
#define ORCH_TESTS_SERVE_SERVE_SUPPORT_H_

#include <sys/types.h>

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace orch::testing {

// Environment for `orch` that goes through the server: auto-start allowed,
// and a short idle exit as a net under teardown.
std::map<std::string, std::string> ServerEnv();

// The pid of the server answering for `store`, or 0 when none answers.
pid_t ServerPid(const std::string& store);

// HOST and PORT of an http://HOST:PORT address (ServerProcess::url).
std::pair<std::string, int> HostPortOf(const std::string& url);

// Asks the server of `store` to stop and waits until it has let go of the
// store; SIGKILL by pid if it does not.
void StopServer(const std::string& store);

// An `orch serve` started by the test (in a thread that waits for it).
class ServerProcess {
 public:
  // Runs orch --store `store` serve ARGS... and waits until it answers;
  // fails the test (and returns) if it exits first.
  ServerProcess(const std::string& store, const std::vector<std::string>& args);
  // Stops it (StopServer) and waits for the process.
  ~ServerProcess();
  // http://HOST:PORT when started with --http.
  std::string url() const { return url_; }
  bool running() const { return url_ != "-"; }
  RunResult Finish();

 private:
  std::string store_;
  std::string url_ = "-";
  RunResult result_;
  std::atomic<bool> exited_{false};
  std::thread thread_;
  bool finished_ = false;
};

class ServeFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // orch --store store_ ARGS... through the server.
  RunResult Emit(const std::vector<std::string>& args);
  pid_t ServerPid() { return testing::ServerPid(store_); }

  TempDir tmp_;
  std::string store_;
};

}  // namespace orch::testing

#endif  // ORCH_TESTS_SERVE_SERVE_SUPPORT_H_

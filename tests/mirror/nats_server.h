// A real `nats-server -js` for a test: started on a free loopback port
// with its store in a temporary directory, stopped by its own pid (never
// by name: other processes on the machine may run nats-servers too).
#ifndef ORCH_TESTS_MIRROR_NATS_SERVER_H_
#define ORCH_TESTS_MIRROR_NATS_SERVER_H_

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace orch::testing {

// The nats-server binary, "" when it is not installed.
std::string NatsServerBin();

class NatsServer {
 public:
  // Picks a free port; nothing runs until Start().
  explicit NatsServer(std::string store_dir);
  ~NatsServer();  // kills the server if it still runs
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  // Starts it (same port and store each time) and waits until it accepts
  // connections. False when it did not come up.
  bool Start();
  // SIGTERM (a clean shutdown) and wait.
  void Stop();
  // SIGKILL and wait: what it had not synced may be lost.
  void Kill();
  bool running() const { return pid_ > 0; }

  int port() const { return port_; }
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  const std::string& store_dir() const { return store_dir_; }
  const std::string& log_path() const { return log_; }

 private:
  void Signal(int sig);
  std::string store_dir_, log_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// A child process (argv[0] a path) with stdout and stderr to files.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path);
  ~Child();  // SIGKILLs it if it still runs
  // Sends `sig` and waits; returns the exit code (128+N when killed by N).
  int SignalAndWait(int sig);
  // Waits for the exit; returns the code as above.
  int Wait();
  // Sends `sig` and waits at most `limit`: the code as above, nullopt when
  // it still runs (the destructor then kills it).
  std::optional<int> SignalAndWaitFor(int sig, std::chrono::milliseconds limit);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

}  // namespace orch::testing

#endif  // ORCH_TESTS_MIRROR_NATS_SERVER_H_

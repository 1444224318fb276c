#include "tests/mirror/nats_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <thread>

namespace orch::testing {

namespace {

int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

bool Accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

pid_t Spawn(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ::dup2(null, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

// How many times the server's log says it is ready (the log is appended
// to across restarts).
int ReadyLines(const std::string& log) {
  std::ifstream in(log);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) n += line.find("Server is ready") != std::string::npos ? 1 : 0;
  return n;
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

int WaitFor(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return ExitCode(status);
}

}  // namespace

std::string NatsServerBin() {
  for (const char* p : {"/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return "";
}

NatsServer::NatsServer(std::string store_dir)
    : store_dir_(std::move(store_dir)), log_(store_dir_ + ".log"), port_(FreePort()) {}

NatsServer::~NatsServer() {
  if (running()) Kill();
}

bool NatsServer::Start() {
  ::mkdir(store_dir_.c_str(), 0700);
  const int ready_before = ReadyLines(log_);
  pid_ = Spawn({NatsServerBin(), "-js", "-a", "127.0.0.1", "-p", std::to_string(port_), "-sd", store_dir_},
               log_, log_);
  // Readiness, not timing: poll until it says it is ready and listens (or
  // died). The log is appended to: count the lines that say so.
  for (int i = 0; i < 400; ++i) {
    if (ReadyLines(log_) > ready_before && Accepts(port_)) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

void NatsServer::Signal(int sig) {
  if (!running()) return;
  ::kill(pid_, sig);
  WaitFor(pid_);
  pid_ = -1;
}

void NatsServer::Stop() { Signal(SIGTERM); }
void NatsServer::Kill() { Signal(SIGKILL); }

Child::Child(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path)
    : pid_(Spawn(argv, out_path, err_path)) {}

Child::~Child() {
  if (pid_ > 0) SignalAndWait(SIGKILL);
}

int Child::SignalAndWait(int sig) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  return Wait();
}

std::optional<int> Child::SignalAndWaitFor(int sig, std::chrono::milliseconds limit) {
  if (pid_ <= 0) return std::nullopt;
  ::kill(pid_, sig);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  do {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return ExitCode(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (std::chrono::steady_clock::now() < deadline);
  return std::nullopt;
}

int Child::Wait() {
  if (pid_ <= 0) return -1;
  const int code = WaitFor(pid_);
  pid_ = -1;
  return code;
}

}  // namespace orch::testing

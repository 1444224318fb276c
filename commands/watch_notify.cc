#include "commands/watch_notify.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace orch {

absl::Status RunNotifyCommand(const std::string& command, const std::string& input) {
  int fds[2];
  if (::pipe(fds) != 0) return absl::UnavailableError(absl::StrCat("--notify: pipe: ", std::strerror(errno)));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return absl::UnavailableError(absl::StrCat("--notify: fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    ::dup2(fds[0], STDIN_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    // The watchdog's SIGINT/SIGTERM handlers do not survive exec; the
    // command gets the default dispositions.
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[0]);
  // A command that exits without reading must not kill the watchdog.
  struct sigaction ignore = {}, old = {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGPIPE, &ignore, &old);
  size_t done = 0;
  while (done < input.size()) {
    const ssize_t n = ::write(fds[1], input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fds[1]);
  ::sigaction(SIGPIPE, &old, nullptr);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return absl::UnavailableError(absl::StrCat("--notify: wait: ", std::strerror(errno)));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  if (WIFEXITED(status))
    return absl::UnknownError(absl::StrCat("--notify command exited ", WEXITSTATUS(status)));
  return absl::UnknownError(absl::StrCat("--notify command killed by signal ", WTERMSIG(status)));
}

}  // namespace orch

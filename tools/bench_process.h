// Timing whole processes for the benchmark tools (header-only: tools/ has
// no library of its own).
#ifndef ORCH_TOOLS_BENCH_PROCESS_H_
#define ORCH_TOOLS_BENCH_PROCESS_H_

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace orch::bench {

struct ProcessRun {
  double ms = 0;         // wall time, fork to reaped
  long max_rss_kib = 0;  // the child's peak RSS (includes pages inherited before exec)
  int status = 0;        // as from waitpid
  bool ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
};

// Runs argv to completion with stdout sent to /dev/null.
inline ProcessRun RunProcess(const std::vector<std::string>& argv) {
  std::fflush(stdout);  // or the child would flush our buffer a second time
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  ProcessRun r;
  rusage usage{};
  wait4(pid, &r.status, 0, &usage);
  r.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  r.max_rss_kib = usage.ru_maxrss;
  return r;
}

inline double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace orch::bench

#endif  // ORCH_TOOLS_BENCH_PROCESS_H_

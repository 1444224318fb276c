// GitWorld: a real repository for the git-truth suites, built with the git
// CLI in a temporary directory: a main checkout `repo/` with one commit on
// main, pushed to a bare `remote.git` (origin), and an orch store outside
// the checkout initialised with the repository as its project root.
#ifndef ORCH_TESTS_GIT_GIT_WORLD_H_
#define ORCH_TESTS_GIT_GIT_WORLD_H_

#include <map>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "projections/task_fold.h"
#include "tests/support/test_support.h"

namespace orch::testing {

// One event as read back from the store.
struct StoredEvent {
  uint64_t seq = 0;
  std::string type;  // kebab-case
  std::string task;
  std::string actor;
  bool observed = false;
  std::string anomaly;
  nlohmann::json payload;
};

class GitWorld {
 public:
  // with_store: also run `orch init --project-root repo` on a fresh store.
  explicit GitWorld(bool with_store = true);

  std::string repo, remote, store;
  std::string base;  // the first commit on main

  std::string Path(const std::string& name) const { return dir_.Sub(name); }
  // Writes `files` (path -> content) under `checkout`, stages everything and
  // commits; returns the new head.
  std::string Commit(const std::string& checkout, const std::map<std::string, std::string>& files,
                     const std::string& message = "work");
  std::string Head(const std::string& checkout, const std::string& rev = "HEAD");
  // git worktree add -b <branch> <dir>/<name> <base>; returns the path.
  std::string AddWorktree(const std::string& name, const std::string& branch);
  // Emits dispatched + worktree-ready for a task in `worktree`; into lane
  // `work` (opened on the first call) unless `extra` names --package-id.
  void Dispatch(const std::string& task, const std::string& branch, const std::string& worktree,
                const std::vector<std::string>& extra_dispatch_flags = {});
  RunResult Orch(const std::vector<std::string>& args, const std::string& cwd = "") const;

  // Every event in the store (the store must not be open elsewhere).
  std::vector<StoredEvent> Events() const;
  TaskState StateOf(const std::string& task) const;

 private:
  TempDir dir_;
  bool lane_open_ = false;
};

}  // namespace orch::testing

#endif  // ORCH_TESTS_GIT_GIT_WORLD_H_

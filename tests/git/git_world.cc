#include "tests/git/git_world.h"

#include <algorithm>

#include "eventstore/event_store.h"
#include "eventstore/posix_env.h"
#include "gtest/gtest.h"
#include "projections/lifecycle_guard.h"
#include "schema/event_schema.h"
#include "schema/fb_string.h"

namespace orch::testing {

GitWorld::GitWorld(bool with_store) {
  repo = dir_.Sub("repo");
  remote = dir_.Sub("remote.git");
  store = dir_.Sub("store");
  InitRepo(repo);
  base = Commit(repo,
                {{"README.md", "hello\n"},
                 {"src/app.cc", "int main() {}\n"},
                 {"secrets/prod.key", "k\n"},
                 {"src/lib/util.cc", "// util\n"}},
                "init");
  Git(dir_.path(), {"init", "-q", "--bare", "-b", "main", remote});
  Git(repo, {"remote", "add", "origin", remote});
  Git(repo, {"push", "-q", "-u", "origin", "main"});
  if (with_store) {
    RunResult r = Orch({"init", "--project-root", repo});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
}

std::string GitWorld::Commit(const std::string& checkout, const std::map<std::string, std::string>& files,
                             const std::string& message) {
  for (const auto& [path, content] : files) WriteFile(checkout + "/" + path, content);
  Git(checkout, {"add", "-A"});
  Git(checkout, {"commit", "-q", "-m", message});
  return Head(checkout);
}

std::string GitWorld::Head(const std::string& checkout, const std::string& rev) {
  std::string out = Git(checkout, {"rev-parse", rev});
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string GitWorld::AddWorktree(const std::string& name, const std::string& branch) {
  const std::string path = dir_.Sub(name);
  Git(repo, {"worktree", "add", "-q", "-b", branch, path, base});
  return path;
}

void GitWorld::Dispatch(const std::string& task, const std::string& branch, const std::string& worktree,
                        const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"emit",     "dispatched", "--task",        task, "--title", task,
                                   "--branch", branch,       "--base-commit", base};
  args.insert(args.end(), extra.begin(), extra.end());
  // Every dispatch serves a lane (the dispatch gate): one of the world's
  // own unless the test names its package.
  if (std::find(extra.begin(), extra.end(), "--package-id") == extra.end()) {
    if (!lane_open_) {
      RunResult lane = Orch({"lane", "open", "work"});
      ASSERT_EQ(lane.exit_code, 0) << lane.err;
      lane_open_ = true;
    }
    args.insert(args.end(), {"--package-id", "work"});
  }
  RunResult r = Orch(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Orch({"emit", "worktree-ready", "--task", task, "--worktree", worktree, "--branch", branch,
            "--base-commit", base});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

RunResult GitWorld::Orch(const std::vector<std::string>& args, const std::string& cwd) const {
  return testing::Orch(store, args, "", cwd);
}

namespace {

std::unique_ptr<EventWriter> OpenForTest(const std::string& dir) {
  static SystemEnv env;
  StoreOptions o;
  o.env = &env;
  auto s = OpenEventWriter(dir, o);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

}  // namespace

std::vector<StoredEvent> GitWorld::Events() const {
  std::vector<StoredEvent> out;
  auto s = OpenForTest(store);
  auto schema = EventSchema::Load();
  if (s == nullptr || !schema.ok()) return out;
  auto events = s->Read(EventQuery{});
  EXPECT_TRUE(events.ok()) << events.status();
  if (!events.ok()) return out;
  for (const LoggedEvent& e : *events) {
    StoredEvent se;
    se.seq = e.seq();
    se.type = ToKebab(schema::EnumNamePayload(e.type()));
    se.task = std::string(e.task());
    se.actor = std::string(FbStr(e.event().actor()));
    se.observed = e.event().claim() == schema::Claim::observed;
    se.anomaly = std::string(e.anomaly());
    auto j = (*schema)->PayloadToJson(e.event());
    if (j.ok()) se.payload = *j;
    out.push_back(std::move(se));
  }
  return out;
}

TaskState GitWorld::StateOf(const std::string& task) const {
  auto s = OpenForTest(store);
  if (s == nullptr) return TaskState::kUnknown;
  auto t = LoadTaskFacts(*s, task);
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? t->state : TaskState::kUnknown;
}

}  // namespace orch::testing

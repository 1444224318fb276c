// Where the store is: --store, $ORCH_STORE, or .orch/ at the top level of
// the main worktree of the git repository around the current directory.
#include <git2.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "commands/command_context.h"

namespace orch {

namespace {

namespace fs = std::filesystem;

std::string FirstLine(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

// The fast path for the two layouts git itself creates: a `.git` directory
// (the main worktree) and a `.git` file pointing into `.git/worktrees/NAME`
// (a linked worktree, where `commondir` leads back to the main `.git`).
// libgit2's init loads the system CA bundle, about a third of a short emit's
// budget, so it is only the fallback for anything else (bare repositories,
// GIT_DIR, unusual gitdir files). nullopt means "ask libgit2".
std::optional<std::string> MainTopLevelFast(const fs::path& start) {
  if (std::getenv("GIT_DIR") != nullptr || std::getenv("GIT_COMMON_DIR") != nullptr) return std::nullopt;
  std::error_code ec;
  for (fs::path dir = start; !dir.empty(); dir = dir.parent_path()) {
    const fs::path dot_git = dir / ".git";
    if (fs::is_directory(dot_git, ec)) {
      if (fs::exists(dot_git / "commondir", ec)) return std::nullopt;
      return dir.string();
    }
    if (fs::is_regular_file(dot_git, ec)) {
      const std::string first = FirstLine(dot_git);
      absl::string_view line = first;
      if (!absl::ConsumePrefix(&line, "gitdir: ")) return std::nullopt;
      fs::path gitdir{std::string(line)};
      if (gitdir.is_relative()) gitdir = dir / gitdir;
      const std::string common = FirstLine(gitdir / "commondir");
      if (common.empty()) return std::nullopt;
      fs::path common_dir(common);
      if (common_dir.is_relative()) common_dir = gitdir / common_dir;
      common_dir = fs::weakly_canonical(common_dir, ec);
      if (ec || common_dir.filename() != ".git") return std::nullopt;
      return common_dir.parent_path().string();
    }
    if (dir == dir.root_path()) break;
  }
  return std::nullopt;
}

// The main worktree's top level for the repository around `start`, through
// libgit2: discovery by the book.
absl::StatusOr<std::string> MainTopLevelByLibgit2(const std::string& start) {
  git_libgit2_init();
  git_buf found = GIT_BUF_INIT;
  std::string result;
  absl::Status status = absl::OkStatus();
  if (git_repository_discover(&found, start.c_str(), 0, nullptr) != 0) {
    status = absl::FailedPreconditionError(
        absl::StrCat("no orch store given and ", start,
                     " is not inside a git repository: pass --store DIR or set ORCH_STORE"));
  } else {
    git_repository* repo = nullptr;
    if (git_repository_open(&repo, found.ptr) == 0) {
      // commondir is the main repository's .git even from a linked worktree.
      fs::path common = fs::path(git_repository_commondir(repo)).lexically_normal();
      if (git_repository_is_bare(repo)) {
        result = common.string();
      } else {
        result = common.parent_path().parent_path().string();
      }
      git_repository_free(repo);
    } else {
      status = absl::FailedPreconditionError(absl::StrCat("cannot open git repository at ", found.ptr));
    }
  }
  git_buf_dispose(&found);
  git_libgit2_shutdown();
  if (!status.ok()) return status;
  return result;
}

}  // namespace

absl::StatusOr<std::string> ResolveStoreDir(const CommandContext& ctx) {
  if (!ctx.store_flag.empty()) return ctx.store_flag;
  if (const char* env = std::getenv("ORCH_STORE"); env != nullptr && *env != '\0') return std::string(env);
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  std::optional<std::string> top = MainTopLevelFast(cwd);
  if (!top) {
    ORCH_ASSIGN_OR_RETURN(top, MainTopLevelByLibgit2(cwd.string()));
  }
  return (fs::path(*top) / ".orch").string();
}

}  // namespace orch

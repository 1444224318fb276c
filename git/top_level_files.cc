// MainTopLevelFromFiles (git/store_location.h): the repository around a
// directory, read from the files git writes, without libgit2.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "git/store_location.h"

namespace orch::git {

namespace {

namespace fs = std::filesystem;

std::string FirstLine(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

std::optional<std::string> MainTopLevelFromFiles(const std::string& start) {
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

}  // namespace orch::git

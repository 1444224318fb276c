#include "git/info_exclude.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "git/main_top_level.h"
#include "git/repository.h"

namespace orch::git {

namespace {

namespace fs = std::filesystem;

// A gitignore pattern matching exactly the directory `rel` (relative to the
// top level): anchored with '/', wildcard and comment characters escaped.
std::string AnchoredPattern(const std::string& rel) {
  std::string out = "/";
  for (char ch : rel) {
    if (ch == '*' || ch == '?' || ch == '[' || ch == '\\' || ch == '!' || ch == '#' || ch == ' ') out += '\\';
    out += ch;
  }
  return out + "/";
}

}  // namespace

absl::StatusOr<ExcludeResult> ExcludeFromStatus(const std::string& path) {
  std::error_code ec;
  const fs::path dir = fs::weakly_canonical(fs::absolute(path, ec), ec);
  absl::StatusOr<std::string> top = FindMainTopLevel(dir.parent_path().string());
  if (absl::IsNotFound(top.status())) return ExcludeResult::kNotInWorktree;
  if (!top.ok()) return top.status();
  const fs::path rel = dir.lexically_relative(fs::weakly_canonical(*top, ec));
  if (rel.empty() || rel == "." || *rel.begin() == "..") return ExcludeResult::kNotInWorktree;
  ORCH_ASSIGN_OR_RETURN(std::unique_ptr<GitRepo> repo, GitRepo::Open(*top));
  if (repo->workdir().empty()) return ExcludeResult::kNotInWorktree;  // bare

  const fs::path exclude = fs::path(repo->commondir()) / "info" / "exclude";
  const std::string pattern = AnchoredPattern(rel.generic_string());
  std::string existing;
  if (std::ifstream in(exclude); in) {
    std::stringstream ss;
    ss << in.rdbuf();
    existing = ss.str();
  }
  for (absl::string_view line : absl::StrSplit(existing, '\n')) {
    if (line == pattern) return ExcludeResult::kAlreadyThere;
  }
  fs::create_directories(exclude.parent_path(), ec);
  std::ofstream out(exclude, std::ios::app);
  if (!existing.empty() && existing.back() != '\n') out << "\n";
  out << "# orch's event store (orch init)\n" << pattern << "\n";
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", exclude.string()));
  return ExcludeResult::kAdded;
}

}  // namespace orch::git

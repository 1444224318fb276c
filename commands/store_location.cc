// Where the store is: --store, $ORCH_STORE, or .orch/ at the top level of
// the main worktree of the git repository around the current directory.
#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "commands/command_context.h"
#include "git/main_top_level.h"

namespace orch {

absl::StatusOr<std::string> ResolveStoreDir(const CommandContext& ctx) {
  if (!ctx.store_flag.empty()) return FromWorkingDir(ctx, ctx.store_flag);
  if (const char* env = GetEnv(ctx, "ORCH_STORE"); env != nullptr && *env != '\0') {
    return FromWorkingDir(ctx, std::string(env));
  }
  const std::filesystem::path cwd = WorkingDir(ctx);
  absl::StatusOr<std::string> top = git::FindMainTopLevel(cwd.string());
  if (absl::IsNotFound(top.status())) {
    return absl::FailedPreconditionError(absl::StrCat("no orch store given and ", cwd.string(),
                                                      " is not inside a git repository: pass --store DIR "
                                                      "or set ORCH_STORE"));
  }
  if (!top.ok()) return top.status();
  return (std::filesystem::path(*top) / ".orch").string();
}

}  // namespace orch

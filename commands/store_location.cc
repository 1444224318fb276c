// Where the store is (git/store_location.h), for a verb: the variable and
// working directory are the ones the verb runs with (a server's client's),
// and libgit2 decides the repository layouts git's files alone cannot.
#include "git/store_location.h"

#include "base/status_macros.h"
#include "commands/command_context.h"
#include "git/main_top_level.h"

namespace orch {

absl::StatusOr<std::string> ResolveStoreDir(const CommandContext& ctx) {
  ORCH_ASSIGN_OR_RETURN(std::string dir, LocateStore(ctx.store_flag, GetEnv(ctx, "ORCH_STORE"),
                                                     WorkingDir(ctx), git::FindMainTopLevel));
  return FromWorkingDir(ctx, dir);
}

}  // namespace orch

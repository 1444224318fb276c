// What every verb shares: global flags, the clock, the schema and where to
// print. Built once in main() and passed by reference; no globals.
#ifndef ORCH_COMMANDS_COMMAND_CONTEXT_H_
#define ORCH_COMMANDS_COMMAND_CONTEXT_H_

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "eventstore/env.h"
#include "eventstore/event_store.h"
#include "schema/event_schema.h"

namespace orch {

struct CommandContext {
  std::vector<std::string> args;  // the command line, without argv[0]
  std::string store_flag;         // --store, if given
  Env* env = nullptr;
  EventSchema* schema = nullptr;
  std::ostream* out = &std::cout;
  std::ostream* err = &std::cerr;
  absl::Status result;  // set by the verb that ran
};

// --store, else $ORCH_STORE, else .orch/ at the top level of the git
// repository around the current directory (the main worktree's top level,
// so every linked worktree shares one log).
absl::StatusOr<std::string> ResolveStoreDir(const CommandContext& ctx);

// Opens the store for appending, waiting for other writers up to
// $ORCH_LOCK_TIMEOUT (a duration, default 10s).
absl::StatusOr<std::unique_ptr<EventStore>> OpenStoreForWrite(const CommandContext& ctx, bool create = false);

// Opens the store for reading without waiting: as the writer when the store
// is free, else as a follower beside the process that holds it.
absl::StatusOr<std::unique_ptr<EventStore>> OpenStoreForRead(const CommandContext& ctx);

// Exit codes (docs/cli.md): 0 ok, 1 internal, 2 bad input or usage,
// 3 conflict, 4 store unavailable; or the code WithExitCode attached.
int ExitCodeFor(const absl::Status& status);

// `status` carrying an exit code of its own, for a verb whose outcome is
// not one of the shared meanings (inspect: 5, not reviewable).
absl::Status WithExitCode(absl::Status status, int code);

}  // namespace orch

#endif  // ORCH_COMMANDS_COMMAND_CONTEXT_H_

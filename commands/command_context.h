// What every verb shares: global flags, the clock, the schema and where to
// print. Built once in main() and passed by reference; no globals.
#ifndef ORCH_COMMANDS_COMMAND_CONTEXT_H_
#define ORCH_COMMANDS_COMMAND_CONTEXT_H_

#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "eventstore/env.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "schema/event_schema.h"

namespace orch {

struct ServeOptions;  // commands/serve.h

struct CommandContext {
  std::vector<std::string> args;  // the command line, without argv[0]
  std::string store_flag;         // --store, if given
  Env* env = nullptr;
  EventSchema* schema = nullptr;
  std::ostream* out = &std::cout;
  std::ostream* err = &std::cerr;
  absl::Status result;  // set by the verb that ran

  // Set when `orch serve` runs the verb for a client (commands/serve.cc):
  // the client's working directory, environment and standard input, and
  // the server's open store, which OpenStoreForWrite then lends out. A
  // server never changes its own cwd or environment (it is threaded).
  std::string cwd;                                                  // empty: this process's
  const std::map<std::string, std::string>* environment = nullptr;  // null: this process's
  const std::string* stdin_text = nullptr;                          // null: read std::cin
  EventWriter* server_store = nullptr;
  std::string server_store_dir;
  bool clock_pinned = false;  // ctx.env's clock is ORCH_NOW
  // orch-serve's main sets this: `orch serve` then owns the store here
  // instead of handing over to orch-serve.
  absl::Status (*serve)(const ServeOptions&, CommandContext&) = nullptr;
};

// The variable `name` of the environment the verb runs in (the client's
// when a server runs it); nullptr when unset.
const char* GetEnv(const CommandContext& ctx, const char* name);

// The time zone of times given as HH:MM: the local zone of the process the
// verb runs for (a server's client: its TZ, as absl::LocalTimeZone reads it).
absl::TimeZone LocalZone(const CommandContext& ctx);

// The directory the verb runs in (the client's when a server runs it).
std::string WorkingDir(const CommandContext& ctx);

// `path` as given, made absolute against WorkingDir when relative.
std::string FromWorkingDir(const CommandContext& ctx, const std::string& path);

// --store, else $ORCH_STORE, else .orch/ at the top level of the git
// repository around the current directory (the main worktree's top level,
// so every linked worktree shares one log).
absl::StatusOr<std::string> ResolveStoreDir(const CommandContext& ctx);

// Opens the store for appending, waiting in the writers' queue up to
// $ORCH_LOCK_TIMEOUT (a duration, default 10s). Run by a server: the
// server's own store (FailedPrecondition when the verb names another). `create`: make the store
// if missing (0700; `shared_group`: 2770, docs/cli.md).
absl::StatusOr<std::unique_ptr<EventWriter>> OpenStoreForWrite(const CommandContext& ctx, bool create = false,
                                                               bool shared_group = false);

// The options OpenStoreForWrite uses (lock timeout, warnings), for verbs
// that call the store's static functions (recover).
absl::StatusOr<StoreOptions> WriterOptions(const CommandContext& ctx);

// Opens the store for reading (a RocksDB secondary in <store>/readers/):
// never takes the writer's lock, never waits. `allow_damaged`: read past a
// changed or missing event with a warning instead of failing (exit 4).
// Warnings go to ctx.err as "orch: warning: ..." lines.
absl::StatusOr<std::unique_ptr<EventStore>> OpenStoreForRead(const CommandContext& ctx,
                                                             bool allow_damaged = false);

// Exit codes (docs/cli.md): 0 ok, 1 internal, 2 bad input or usage,
// 3 conflict, 4 store unavailable; or the code WithExitCode attached.
int ExitCodeFor(const absl::Status& status);

// `status` carrying an exit code of its own, for a verb whose outcome is
// not one of the shared meanings (inspect: 5, not reviewable).
absl::Status WithExitCode(absl::Status status, int code);

}  // namespace orch

#endif  // ORCH_COMMANDS_COMMAND_CONTEXT_H_

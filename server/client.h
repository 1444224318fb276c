// The client side of `orch serve`: what `orch emit` does before anything
// else (no schema, no RocksDB). It finds the store's server, starts one
// when none runs, checks that the listener is the store's server
// (server/peer.h), forwards the command line as it got it (bytes, never
// re-read: the server's command line validates it, so an input gets the
// same exit code and the same line either way), its working directory,
// the few environment variables a verb reads (server/wire.h) and, for
// --jsonl -, standard input; then prints the answer.
//
// Protocol (frames: server/frame.h; messages: server/wire.h):
//   client -> Request{run, args, cwd, env, store[, input]}
//   server -> Reply{accepted}                 the request was read whole
//   server -> Reply{exit_code, out, err}      after the verb ran
//   client -> Request{ping}  server -> Reply{pid, store, socket, http}
//   client -> Request{stop}  server -> Reply{stopping} then a clean shutdown
// A connection that closes before "accepted" was never processed, so the
// client retries it (on a new server if need be); one that closes after it
// may or may not have been: the client says so and exits 4.
#ifndef ORCH_SERVER_CLIENT_H_
#define ORCH_SERVER_CLIENT_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/wire.h"

namespace orch::server {

// How long an auto-started server lives without requests:
// $ORCH_SERVE_IDLE_EXIT (a duration) or 10 minutes.
std::string AutoStartIdleExit();

// Runs `args` (the command line without argv[0]) on the store's server
// when it should: the verb is emit, neither --no-server nor
// $ORCH_NO_SERVER (non-empty, not "0") says otherwise, and the store
// exists. Starts a server when none runs. Returns the exit code when the
// server answered, nullopt when the caller must run the command itself
// (direct mode: also every case where the server cannot help, so the
// caller reports the real error). `may_start_server` false: use a server
// that runs, never start one (a test's in-process server).
std::optional<int> RunOnServer(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                               bool may_start_server = true);

// One request/answer on a new connection to the server of `store_dir`
// listening at `socket_path` (no retry, no auto-start). NotFound /
// Unavailable when none listens; PermissionDenied when the listener is
// not the store's server (server/peer.h).
absl::StatusOr<Reply> Call(const std::string& socket_path, const std::string& store_dir,
                           const Request& request);

// Starts `orch serve --store DIR --idle-exit IDLE` detached (its own
// session, stdin /dev/null, output appended to <store>/serve.log) and
// waits until it listens. OK when it listens; AlreadyExists when another
// server owns the store; other errors when it could not start (its log
// says why).
absl::Status StartServer(const std::string& store_dir, const std::string& idle_exit, absl::Duration wait);

}  // namespace orch::server

#endif  // ORCH_SERVER_CLIENT_H_

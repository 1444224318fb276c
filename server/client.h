// The client side of `orch serve`: what `orch emit` does before anything
// else (no schema, no RocksDB). It finds the store's server, starts one
// when none runs, sends the command line with its working directory,
// environment and (for --jsonl -) standard input, and prints the answer.
//
// Protocol (frames: server/frame.h; JSON):
//   client -> {"op":"run","args":[...],"cwd":"/abs","env":{...},"store":"/abs"[,"stdin":"..."]}
//   server -> {"accepted":true}                  the request was read
//   server -> {"exit":N,"out":"...","err":"..."}  after the verb ran
//   client -> {"op":"ping"}  server -> {"pid":N,"store":"...","http":"..."}
//   client -> {"op":"stop"}  server -> {"stopping":true} then a clean shutdown
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
#include "nlohmann/json.hpp"

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
// caller reports the real error).
std::optional<int> RunOnServer(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// One request/answer on a new connection to the server at `socket_path`
// (no retry, no auto-start). NotFound / Unavailable when none listens.
absl::StatusOr<nlohmann::json> Call(const std::string& socket_path, const nlohmann::json& request);

// Starts `orch serve --store DIR --idle-exit IDLE` detached (its own
// session, stdin /dev/null, output appended to <store>/serve.log) and
// waits until it listens. OK when it listens; AlreadyExists when another
// server owns the store; other errors when it could not start (its log
// says why).
absl::Status StartServer(const std::string& store_dir, const std::string& idle_exit, absl::Duration wait);

}  // namespace orch::server

#endif  // ORCH_SERVER_CLIENT_H_

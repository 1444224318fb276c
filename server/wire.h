// The messages of the unix-socket protocol between the front `orch` and
// `orch serve` (schema/wire.fbs), as plain structs. A request carries raw
// bytes: the client forwards its command line without reading it, and the
// command line the server runs is the one place that validates input.
#ifndef ORCH_SERVER_WIRE_H_
#define ORCH_SERVER_WIRE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace orch::server {

// The environment variables the command line reads (commands/: GetEnv),
// and TZ for times given as HH:MM. Only these are sent: the server needs
// nothing else of the client's, and a secret in the environment must not
// reach whatever listens on the socket.
inline constexpr const char* kForwardedEnvironment[] = {"ORCH_NOW", "ORCH_LOCK_TIMEOUT", "ORCH_STORE", "TZ"};

enum class Op { kRun, kPing, kStop };

struct Request {
  Op op = Op::kRun;
  std::vector<std::string> args;  // the command line without argv[0]
  std::string cwd;                // absolute
  std::vector<std::pair<std::string, std::string>> env;
  std::string store;                 // absolute
  std::optional<std::string> input;  // standard input, for `emit --jsonl -`
};

struct Reply {
  bool accepted = false;  // a run's first answer: read whole, will be run
  int exit_code = 0;
  std::string out, err;
  int64_t pid = 0;  // a ping's answer
  std::string store, socket, http;
  bool stopping = false;  // a stop's answer
};

std::string EncodeRequest(const Request& r);
// InvalidArgument when `bytes` is not a Request (the FlatBuffers Verifier).
absl::StatusOr<Request> DecodeRequest(absl::string_view bytes);

std::string EncodeReply(const Reply& r);
absl::StatusOr<Reply> DecodeReply(absl::string_view bytes);

}  // namespace orch::server

#endif  // ORCH_SERVER_WIRE_H_

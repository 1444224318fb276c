// orch serve's flags, shared by the `orch` binary (which parses them and
// hands over to orch-serve) and orch-serve (which owns the store).
//
// Why two binaries: the HTTP library (Debian's libcpp-httplib.so) pulls in
// the shared libstdc++, OpenSSL and Kerberos; loaded by every `orch emit`
// it cost more start-up than the whole emit is allowed (docs/serve.md).
#ifndef ORCH_COMMANDS_SERVE_H_
#define ORCH_COMMANDS_SERVE_H_

#include <string>

#include "absl/status/status.h"
#include "commands/command_context.h"

namespace orch {

struct ServeOptions {
  std::string socket, http, idle_exit, token, write_ledger;
  int ready_fd = -1;
  bool stop = false;
};

// orch-serve's: takes ownership of the store and serves until a shutdown
// reason (server/server.h). Aborted when another server owns the store.
absl::Status RunServeOwner(const ServeOptions& options, CommandContext& ctx);

// The orch-serve binary beside the running one.
std::string OrchServeBinary();

}  // namespace orch

#endif  // ORCH_COMMANDS_SERVE_H_

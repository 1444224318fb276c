// `orch watch --notify CMD`: runs CMD through /bin/sh -c with one finding
// as JSON on its standard input.
#ifndef ORCH_COMMANDS_WATCH_NOTIFY_H_
#define ORCH_COMMANDS_WATCH_NOTIFY_H_

#include <string>

#include "absl/status/status.h"

namespace orch {

// Runs `command` via /bin/sh -c, writes `input` to its stdin, closes it and
// waits for it. Its stdout and stderr are the caller's. Unavailable when
// it cannot be started; Unknown when it exits non-zero or is killed (the
// message says how). A command that does not read its input is fine.
// Not thread-safe (changes SIGPIPE's disposition while writing).
absl::Status RunNotifyCommand(const std::string& command, const std::string& input);

}  // namespace orch

#endif  // ORCH_COMMANDS_WATCH_NOTIFY_H_

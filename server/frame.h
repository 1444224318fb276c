// Frames on the server's unix socket: a 4-byte big-endian length, then that
// many bytes of JSON (server/protocol.h says what the JSON holds).
#ifndef ORCH_SERVER_FRAME_H_
#define ORCH_SERVER_FRAME_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace orch::server {

// Largest frame: a 64 MiB --jsonl batch as a JSON string, escaped.
inline constexpr size_t kMaxFrameBytes = size_t{160} << 20;

// Writes one frame, retrying short writes and EINTR. Unavailable when the
// peer is gone (EPIPE: SIGPIPE must be ignored or MSG_NOSIGNAL used; this
// uses send(MSG_NOSIGNAL) on sockets).
absl::Status WriteFrame(int fd, absl::string_view bytes);

// Reads one frame. Unavailable when the peer closed the connection (before
// or inside the frame); InvalidArgument when the length is over `max_bytes`.
absl::StatusOr<std::string> ReadFrame(int fd, size_t max_bytes = kMaxFrameBytes);

}  // namespace orch::server

#endif  // ORCH_SERVER_FRAME_H_

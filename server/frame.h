// Frames on the server's unix socket: a 4-byte big-endian length, then that
// many bytes (a FlatBuffer of schema/wire.fbs; server/wire.h).
#ifndef ORCH_SERVER_FRAME_H_
#define ORCH_SERVER_FRAME_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/limits.h"

namespace orch::server {

// Largest frame: a --jsonl batch at its limit plus the command line
// (Linux caps argv at a few MiB).
inline constexpr size_t kMaxFrameBytes = kMaxBatchInputBytes + (size_t{8} << 20);

// Writes one frame, retrying short writes and EINTR. Unavailable when the
// peer is gone (uses send(MSG_NOSIGNAL) on sockets: no SIGPIPE).
absl::Status WriteFrame(int fd, absl::string_view bytes);

// Reads one frame, whole, by `deadline` (absl::InfiniteFuture(): no limit).
// Memory grows with the bytes that arrive, not with the length announced,
// so a peer that announces a large frame and sends nothing costs nothing.
// Unavailable when the peer closed the connection (before or inside the
// frame); InvalidArgument when the length is over `max_bytes` (checked
// before anything is allocated); DeadlineExceeded when the deadline passed.
absl::StatusOr<std::string> ReadFrame(int fd, size_t max_bytes = kMaxFrameBytes,
                                      absl::Time deadline = absl::InfiniteFuture());

}  // namespace orch::server

#endif  // ORCH_SERVER_FRAME_H_

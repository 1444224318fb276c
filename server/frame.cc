#include "server/frame.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace orch::server {

namespace {

absl::Status WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == ENOTSOCK) w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE || errno == ECONNRESET)
        return absl::UnavailableError("the peer closed the connection");
      return absl::UnavailableError(absl::StrCat("write to socket: ", std::strerror(errno)));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return absl::OkStatus();
}

// Appends up to `n` bytes to `out` as they arrive; false on EOF before `n`.
absl::StatusOr<bool> ReadInto(int fd, std::string* out, size_t n, absl::Time deadline) {
  char buf[1 << 16];
  while (n > 0) {
    if (deadline != absl::InfiniteFuture()) {
      const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
      if (ms <= 0) return absl::DeadlineExceededError("the peer was too slow to send its request");
      pollfd p{fd, POLLIN, 0};
      const int rc = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(ms, 1 << 30)));
      if (rc < 0 && errno == EINTR) continue;
      if (rc == 0) continue;  // the deadline check above ends it
    }
    const ssize_t r = ::read(fd, buf, std::min(n, sizeof(buf)));
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      if (errno == ECONNRESET) return false;
      return absl::UnavailableError(absl::StrCat("read from socket: ", std::strerror(errno)));
    }
    if (r == 0) return false;
    out->append(buf, static_cast<size_t>(r));
    n -= static_cast<size_t>(r);
  }
  return true;
}

}  // namespace

absl::Status WriteFrame(int fd, absl::string_view bytes) {
  const uint64_t n = bytes.size();
  const char header[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                          static_cast<char>(n)};
  std::string buf(header, 4);
  buf.append(bytes.data(), bytes.size());  // one write: one packet for small frames
  return WriteAll(fd, buf.data(), buf.size());
}

absl::StatusOr<std::string> ReadFrame(int fd, size_t max_bytes, absl::Time deadline) {
  std::string header;
  absl::StatusOr<bool> got = ReadInto(fd, &header, 4, deadline);
  if (!got.ok()) return got.status();
  if (!*got) return absl::UnavailableError("the peer closed the connection");
  const auto* h = reinterpret_cast<const unsigned char*>(header.data());
  const size_t n = size_t{h[0]} << 24 | size_t{h[1]} << 16 | size_t{h[2]} << 8 | h[3];
  if (n > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("frame of ", n, " bytes is over the limit of ", max_bytes));
  }
  std::string out;
  out.reserve(std::min<size_t>(n, size_t{1} << 20));
  got = ReadInto(fd, &out, n, deadline);
  if (!got.ok()) return got.status();
  if (!*got) return absl::UnavailableError("the peer closed the connection inside a frame");
  return out;
}

}  // namespace orch::server

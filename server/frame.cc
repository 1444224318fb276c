#include "server/frame.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"

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
      return absl::UnavailableError(absl::StrCat("write to socket: ", strerror(errno)));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return absl::OkStatus();
}

// false on EOF before `n` bytes.
absl::StatusOr<bool> ReadAll(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == ECONNRESET) return false;
      return absl::UnavailableError(absl::StrCat("read from socket: ", strerror(errno)));
    }
    if (r == 0) return false;
    p += r;
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

absl::StatusOr<std::string> ReadFrame(int fd, size_t max_bytes) {
  unsigned char header[4];
  absl::StatusOr<bool> got = ReadAll(fd, reinterpret_cast<char*>(header), 4);
  if (!got.ok()) return got.status();
  if (!*got) return absl::UnavailableError("the peer closed the connection");
  const size_t n = size_t{header[0]} << 24 | size_t{header[1]} << 16 | size_t{header[2]} << 8 | header[3];
  if (n > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("frame of ", n, " bytes is over the limit of ", max_bytes));
  }
  std::string out(n, '\0');
  got = ReadAll(fd, out.data(), n);
  if (!got.ok()) return got.status();
  if (!*got) return absl::UnavailableError("the peer closed the connection inside a frame");
  return out;
}

}  // namespace orch::server

// Benchmark floor: a process that appends one JSON line to a file and
// fdatasyncs it, the cheapest durable append there is.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  static const char kLine[] =
      "{\"type\":\"note\",\"task\":\"T1\",\"at\":\"2026-11-25T03:00:00Z\",\"payload\":{\"text\":\"baseline\"}"
      "}\n";
  int fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (fd < 0) return 1;
  const ssize_t n = static_cast<ssize_t>(std::strlen(kLine));
  if (write(fd, kLine, n) != n || fdatasync(fd) != 0) return 1;
  return close(fd) == 0 ? 0 : 1;
}

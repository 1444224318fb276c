#include "commands/input_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"

namespace orch {

absl::StatusOr<std::string> ReadInputFile(const std::string& path, size_t max_bytes) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (f == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read '", path, "': ", std::strerror(errno)));
  }
  std::string text;
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), f.get())) > 0) {
    text.append(buf, n);
    if (text.size() > max_bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", path, "' is over the limit of ", max_bytes >> 20, " MiB for one file"));
    }
  }
  if (std::ferror(f.get())) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read '", path, "': ", std::strerror(errno)));
  }
  return text;
}

}  // namespace orch

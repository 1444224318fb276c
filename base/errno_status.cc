#include "base/errno_status.h"

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"

namespace orch {

absl::Status ErrnoStatus(absl::string_view what, absl::string_view path, int err) {
  const char* name = strerrorname_np(err);
  const std::string msg =
      absl::StrCat(what, " ", path, ": ", std::strerror(err), " (", name != nullptr ? name : "?", ")");
  switch (err) {
    case ENOSPC:
    case EDQUOT:
      return absl::ResourceExhaustedError(absl::StrCat("disk full: ", msg));
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::FailedPreconditionError(msg);
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(msg);
    case EISDIR:
    case ELOOP:
    case ENAMETOOLONG:
      return absl::InvalidArgumentError(msg);
    case EEXIST:
      return absl::AlreadyExistsError(msg);
    default:
      return absl::UnavailableError(msg);
  }
}

}  // namespace orch

// ErrnoStatus: the one mapping from a failed system call to a Status, shared
// by the store (eventstore/env.h) and the exports (eventstore/atomic_file.h),
// so one errno means one exit code wherever it happens (docs/cli.md):
//
//   ResourceExhausted   no space left (ENOSPC, EDQUOT): "disk full: ..."  exit 4
//   FailedPrecondition  not allowed (EACCES, EPERM, EROFS): the file or
//                       store cannot be used by this user as it is      exit 4
//   NotFound            no such file or directory (ENOENT, ENOTDIR): a
//                       path given that does not lead anywhere           exit 2
//   InvalidArgument     a path that cannot name what it must (EISDIR,
//                       ELOOP, ENAMETOOLONG)                             exit 2
//   AlreadyExists       an exclusive create found the name taken (EEXIST)
//                                                                        exit 3
//   Unavailable         any other I/O error (EIO, ...)                   exit 4
//
// The message is one line: `what`, `path`, strerror and the errno's name,
// e.g. "cannot create out/x.json: Permission denied (EACCES)".
#ifndef ORCH_BASE_ERRNO_STATUS_H_
#define ORCH_BASE_ERRNO_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace orch {

// The Status for `err` (an errno value) from the operation `what` on
// `path`, coded as above. Thread-safe.
absl::Status ErrnoStatus(absl::string_view what, absl::string_view path, int err);

}  // namespace orch

#endif  // ORCH_BASE_ERRNO_STATUS_H_

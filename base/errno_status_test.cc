// One errno, one code and one message shape, for the store and the exports.
#include "base/errno_status.h"

#include <cerrno>

#include "gtest/gtest.h"

namespace orch {
namespace {

TEST(ErrnoStatusTest, NamesTheOperationThePathTheTextAndTheErrno) {
  const absl::Status s = ErrnoStatus("cannot create", "out/x.json", EACCES);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "cannot create out/x.json: Permission denied (EACCES)");
}

TEST(ErrnoStatusTest, DiskFullSaysSoFirst) {
  const absl::Status s = ErrnoStatus("write", "a/b", ENOSPC);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "disk full: write a/b: No space left on device (ENOSPC)");
  EXPECT_EQ(ErrnoStatus("write", "a/b", EDQUOT).code(), absl::StatusCode::kResourceExhausted);
}

TEST(ErrnoStatusTest, EachErrnoHasOneCode) {
  const std::vector<std::pair<int, absl::StatusCode>> expected = {
      {EPERM, absl::StatusCode::kFailedPrecondition},
      {EROFS, absl::StatusCode::kFailedPrecondition},
      {ENOENT, absl::StatusCode::kNotFound},
      {ENOTDIR, absl::StatusCode::kNotFound},
      {EISDIR, absl::StatusCode::kInvalidArgument},
      {ELOOP, absl::StatusCode::kInvalidArgument},
      {ENAMETOOLONG, absl::StatusCode::kInvalidArgument},
      {EEXIST, absl::StatusCode::kAlreadyExists},
      {EIO, absl::StatusCode::kUnavailable},
      {EBADF, absl::StatusCode::kUnavailable},
  };
  for (const auto& [err, code] : expected) {
    EXPECT_EQ(ErrnoStatus("op", "p", err).code(), code) << strerrorname_np(err);
  }
}

}  // namespace
}  // namespace orch

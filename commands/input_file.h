// Reading a file a verb is given (orch review import --file, orch
// lint-evidence FILE..., orch import --ledger/--events): whole, bounded,
// with an error that names it. The bound is checked as bytes arrive, so
// /dev/zero or a runaway file is refused, not read until memory runs out.
#ifndef ORCH_COMMANDS_INPUT_FILE_H_
#define ORCH_COMMANDS_INPUT_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace orch {

// Largest document read (16 MiB): a review or progress document, not a log.
inline constexpr size_t kMaxInputFileBytes = size_t{16} << 20;

// The bytes of `path`, at most `max_bytes` (a whole MiB count). InvalidArgument
// (exit 2) naming the path and the errno when it cannot be read, or the path
// and the limit when it holds more.
absl::StatusOr<std::string> ReadInputFile(const std::string& path, size_t max_bytes = kMaxInputFileBytes);

}  // namespace orch

#endif  // ORCH_COMMANDS_INPUT_FILE_H_

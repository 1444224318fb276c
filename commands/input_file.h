// Reading a document a verb is given (orch review import --file, orch
// lint-evidence FILE...): whole, bounded, with an error that names it.
#ifndef ORCH_COMMANDS_INPUT_FILE_H_
#define ORCH_COMMANDS_INPUT_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace orch {

// Largest document read (16 MiB): a review or progress document, not a log.
inline constexpr size_t kMaxInputFileBytes = size_t{16} << 20;

// The bytes of `path`. InvalidArgument (exit 2) naming the path and the
// errno when it cannot be read, or the limit when it is larger.
absl::StatusOr<std::string> ReadInputFile(const std::string& path);

}  // namespace orch

#endif  // ORCH_COMMANDS_INPUT_FILE_H_

#include "git/store_location.h"

#include <filesystem>

#include "absl/strings/str_cat.h"

namespace orch {

absl::StatusOr<std::string> LocateStore(const std::string& flag, const char* variable,
                                        const std::string& working_dir, TopLevelFinder find_top) {
  if (!flag.empty()) return flag;
  if (variable != nullptr && *variable != '\0') return std::string(variable);
  absl::StatusOr<std::string> top = find_top(working_dir);
  if (absl::IsNotFound(top.status())) {
    return absl::FailedPreconditionError(absl::StrCat("no orch store given and ", working_dir,
                                                      " is not inside a git repository: pass --store DIR "
                                                      "or set ORCH_STORE"));
  }
  if (!top.ok()) return top.status();
  return (std::filesystem::path(*top) / ".orch").string();
}

}  // namespace orch

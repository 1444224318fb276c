#include "git/main_top_level.h"

#include <optional>

#include "git/repository.h"
#include "git/store_location.h"

namespace orch::git {

absl::StatusOr<std::string> FindMainTopLevel(const std::string& start) {
  if (std::optional<std::string> top = MainTopLevelFromFiles(start)) return *top;
  return GitRepo::DiscoverMainTopLevel(start);
}

}  // namespace orch::git

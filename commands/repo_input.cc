// The project's repository as a verb opens it, and how an unusable one is
// reported: shared by the verbs that read git (verbs.h).
#include "base/status_macros.h"
#include "commands/verbs.h"
#include "git/store_repo.h"

namespace orch {

absl::Status RepoInputError(const absl::Status& s) {
  // The repository given is unusable: bad input (exit 2), not a store
  // problem (FailedPrecondition would map to 4).
  if (absl::IsFailedPrecondition(s)) return absl::InvalidArgumentError(s.message());
  return s;
}

absl::StatusOr<git::ProjectRepo> OpenProjectRepoFor(const CommandContext& ctx, const EventStore& store,
                                                    const std::string& repo_flag) {
  auto project = git::OpenStoreProjectRepo(store, FromWorkingDir(ctx, repo_flag), WorkingDir(ctx));
  if (!project.ok()) return RepoInputError(project.status());
  return project;
}

}  // namespace orch

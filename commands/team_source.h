// What `orch status` and `orch export` share to show a team instead of one
// store: --nats, --stream, --all-projects and --project, and the team
// view folded from the stream (mirror/team_fold.h).
#ifndef ORCH_COMMANDS_TEAM_SOURCE_H_
#define ORCH_COMMANDS_TEAM_SOURCE_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "commands/command_context.h"
#include "commands/projection_common.h"
#include "projections/team_view.h"

namespace orch {

struct TeamFlags {
  std::string nats;  // set: read the team's stream instead of the store
  std::string stream = "ORCH";
  bool all_projects = false;
  std::string project;
};

// Adds --nats, --stream, --all-projects and --project to `sub`.
void AddTeamFlags(CLI::App* sub, TeamFlags* flags);

// Reads and folds the stream. InvalidArgument when neither or both of
// --all-projects and --project are given, or a store-only flag (--at,
// --rebuild, --allow-damaged) is; NotFound (exit 2) when the stream does
// not exist; Unavailable (exit 4) when NATS cannot be reached. --now and
// --since apply as for one store.
absl::StatusOr<TeamView> LoadTeamView(const TeamFlags& team, const ProjectionFlags& flags,
                                      CommandContext& ctx);

}  // namespace orch

#endif  // ORCH_COMMANDS_TEAM_SOURCE_H_

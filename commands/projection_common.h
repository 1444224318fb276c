// What `orch status`, `orch ledger` and `orch export` share: the --at,
// --now, --since, --rebuild and --allow-damaged flags, loading the folded model (with
// checkpoints) and writing files atomically.
#ifndef ORCH_COMMANDS_PROJECTION_COMMON_H_
#define ORCH_COMMANDS_PROJECTION_COMMON_H_

#include <cstdint>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "commands/command_context.h"
#include "projections/model_loader.h"
#include "projections/project_model.h"

namespace orch {

struct ProjectionFlags {
  std::string at;     // --at: the state as it was then
  std::string now;    // --now: "now" for ages and overdue heartbeats
  std::string since;  // --since: start of the "since" window
  bool rebuild = false;
  bool allow_damaged = false;  // read past a changed or missing event, warned
};

// Adds --at, --now, --since, --rebuild and --allow-damaged to `sub`.
void AddProjectionFlags(CLI::App* sub, ProjectionFlags* flags);

// The instant `text` names (RFC3339, HH:MM[:SS], a duration ago) relative to
// `now`; InvalidArgument naming `flag` for a bad one or a seq.
absl::StatusOr<int64_t> ParseInstant(const std::string& flag, const std::string& text, int64_t now);

// Start of the "since" window: --since, else 12 hours before `now`.
absl::StatusOr<int64_t> SinceOf(const ProjectionFlags& flags, int64_t now);

struct LoadedProjection {
  ProjectModel model;
  int64_t now = 0;    // --now, else the --at time, else the Env clock
  int64_t since = 0;  // --since, else 12 hours before `now`
  LoadStats stats;
};

// Opens the store for reading (never the writer's lock; a checkpoint is
// still kept, as a file) and folds the model. InvalidArgument for a bad
// flag; store errors otherwise. `task_details` false: the text, Markdown
// and JSON status pages only (LoadOptions::task_details); WARNING: not for
// the ledger or status.html.
absl::StatusOr<LoadedProjection> LoadProjection(const ProjectionFlags& flags, CommandContext& ctx,
                                                bool task_details = true);

// `page` to `out_path` atomically through ctx.env when one is given
// (WriteFileAtomically, eventstore/atomic_file.h: no link is followed;
// 0644 less the umask), else to stdout.
absl::Status WritePage(const std::string& out_path, const std::string& page, CommandContext& ctx);

}  // namespace orch

#endif  // ORCH_COMMANDS_PROJECTION_COMMON_H_

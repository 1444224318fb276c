// One pass of the watchdog (`orch watch`) against the repository: the
// missed wake-ups and stalls projections/watchdog.h finds, with the
// worktrees read through git, plus the integration checkout; and the
// events that record what is new, each with its idempotency key.
#ifndef ORCH_GIT_WATCH_CHECKS_H_
#define ORCH_GIT_WATCH_CHECKS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "git/drift.h"
#include "projections/project_model.h"
#include "projections/watchdog.h"
#include "schema/event_schema.h"

namespace orch::git {

struct WatchChecks {
  int64_t now = 0;
  WatchSettings settings;
  std::vector<MissedWakeUp> missed;    // all new (after the latest recorded)
  std::vector<StallFinding> stalls;    // including those already recorded (flagged)
  std::optional<Finding> integration;  // the integration checkout, when it differs from the log
  // Pending setups whose worktree appeared (with their worktree-ready
  // event) or that wait past the allowance (drift.h CheckPendingSetups).
  std::vector<Finding> setups;
  // Why the repository could not be read ("" when it was): the stalls are
  // then judged from the log alone and the checkout is not checked.
  std::string git_problem;
};

// The project's repository is `repo_dir` if given, else the recorded
// project root, else the repository around `cwd` (OpenProjectRepo).
// `skip_untracked`: paths of the main checkout that are not dirt (the
// store). Reads only; a repository that cannot be opened is reported in
// git_problem, not as an error.
WatchChecks RunWatchChecks(const ProjectModel& model, int64_t now, const WatchSettings& settings,
                           const std::string& repo_dir, const std::string& cwd,
                           const std::vector<std::string>& skip_untracked);

// The events recording what `checks` found that the log does not hold yet,
// in one batch: heartbeat-missed (inferred) per missed wake-up, stale-detected
// (inferred) per unrecorded stall, the integration drift (observed), then
// each setup finding's events (observed, keyed as observe --reconcile keys
// them: a setup is reconciled once, by whichever runs first).
// Each carries a key derived from what it identifies (the wake-up, the
// stall, the drift's bytes), so a repeated or concurrent run appends
// nothing twice. InvalidArgument if an event cannot be built.
absl::StatusOr<std::vector<AppendRequest>> WatchBatch(EventSchema& schema, const WatchChecks& checks);

}  // namespace orch::git

#endif  // ORCH_GIT_WATCH_CHECKS_H_

// The team view: every project's events read from the shared stream, each
// project's chain verified on its own, and each folded with the same
// ProjectFold and StatusView as `orch status` (projections/team_view.h).
//
// Verification per project, independent of the headers: every message's
// body must hash to the hash it carries and parse as a record whose seq
// and hash the headers repeat (else "forged"); the project's events must
// come in the stream in increasing seq ("reordered"), once each
// ("duplicate", or "fork" when two differ); from #1 on each must follow
// the one before (gap-free: "missing") and name its hash as prev-hash
// ("forged"). Only #1 up to the first gap or broken link is folded: nothing
// unverified reaches a page, and every finding is listed there.
// A chain cannot show a rewritten tail on its own (the last event can be
// replaced with a freshly hashed one): compare head hashes with the
// machines' own `orch verify`.
#ifndef ORCH_MIRROR_TEAM_FOLD_H_
#define ORCH_MIRROR_TEAM_FOLD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "mirror/jetstream.h"
#include "projections/team_view.h"

namespace orch::mirror {

struct TeamFoldOptions {
  std::string stream = "ORCH";
  std::string project;  // "": every project
  int64_t now = 0;      // for ages and overdue heartbeats
  int64_t since = 0;    // start of the "since" window
};

// Pure: the team view of `messages`, given in stream order.
TeamView FoldTeamMessages(const std::vector<StreamMessage>& messages, const TeamFoldOptions& options);

// Reads the stream (NotFound when it does not exist; Unavailable when NATS
// cannot be reached) and folds it.
absl::StatusOr<TeamView> FoldTeam(JetStreamClient& js, const TeamFoldOptions& options);

}  // namespace orch::mirror

#endif  // ORCH_MIRROR_TEAM_FOLD_H_

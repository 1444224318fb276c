// TeamView: several projects' logs, each folded on its own (the same
// ProjectFold and StatusView as `orch status`), read from one shared stream
// (mirror/team_fold.h builds it), and what needs a human across them.
//
// Plain data; the renderers are projections/render/team_pages.h.
#ifndef ORCH_PROJECTIONS_TEAM_VIEW_H_
#define ORCH_PROJECTIONS_TEAM_VIEW_H_

#include <cstdint>
#include <string>
#include <vector>

#include "projections/project_model.h"
#include "projections/status_view.h"

namespace orch {

// Something wrong with a project's chain as the stream holds it.
struct ChainFinding {
  // forged: a message whose record, hash or headers do not agree, or whose
  //         record does not link to the one before (prev-hash);
  // reordered: a message after a later event of the same project;
  // duplicate: the same event twice; fork: two different events at one seq;
  // missing: events absent from the stream (a gap in the sequence).
  std::string kind;
  uint64_t seq = 0;         // the event it concerns (the first, for a gap)
  uint64_t stream_seq = 0;  // the message it concerns (0 for a gap)
  std::string detail;       // one line
};

struct TeamProject {
  std::string name;
  std::vector<std::string> machines;  // the Orch-Machine headers seen, sorted
  uint64_t messages = 0;              // the project's messages in the stream
  uint64_t head_seq = 0;              // the highest event seq the stream holds
  // Events folded: #1 up to the first break (a gap or a forged link);
  // nothing past a break is folded.
  uint64_t folded_to = 0;
  std::vector<ChainFinding> findings;
  ProjectModel model;
  StatusView view;
  bool verified() const { return findings.empty(); }
};

struct TeamView {
  std::string stream;
  int64_t now = 0;
  std::vector<TeamProject> projects;  // sorted by name
  // Messages that name no project (no Orch-Project header, or a body that
  // is no record): reported, never folded.
  std::vector<ChainFinding> unattributed;
};

// One line of the team's "needs a human": the project, then what (a task,
// "loop", "chain") and why.
struct TeamAttention {
  std::string project, subject, why;
};

// Across projects, in project order: every chain finding (a forged,
// reordered or missing event needs a human first), then each project's
// StatusView::needs_human.
std::vector<TeamAttention> TeamNeedsHuman(const TeamView& team);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_TEAM_VIEW_H_

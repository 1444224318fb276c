#include "projections/team_view.h"

#include "absl/strings/str_cat.h"

namespace orch {

std::vector<TeamAttention> TeamNeedsHuman(const TeamView& team) {
  std::vector<TeamAttention> out;
  for (const ChainFinding& f : team.unattributed) {
    out.push_back({"?", "chain", absl::StrCat(f.kind, ": ", f.detail)});
  }
  for (const TeamProject& p : team.projects) {
    for (const ChainFinding& f : p.findings)
      out.push_back({p.name, "chain", absl::StrCat(f.kind, ": ", f.detail)});
  }
  for (const TeamProject& p : team.projects) {
    for (const Attention& a : p.view.needs_human) out.push_back({p.name, a.subject, a.why});
  }
  return out;
}

}  // namespace orch

#include "commands/team_source.h"

#include "absl/strings/str_cat.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "mirror/jetstream.h"
#include "mirror/team_fold.h"

namespace orch {

void AddTeamFlags(CLI::App* sub, TeamFlags* f) {
  sub->add_option("--nats", f->nats,
                  "Show the team: fold the JetStream stream `orch mirror` fills, at this NATS URL");
  sub->add_option("--stream", f->stream, "With --nats: the stream (default ORCH)");
  sub->add_flag("--all-projects", f->all_projects, "With --nats: every project in the stream");
  sub->add_option("--project", f->project, "With --nats: only this project");
}

absl::StatusOr<TeamView> LoadTeamView(const TeamFlags& team, const ProjectionFlags& flags,
                                      CommandContext& ctx) {
  if (team.all_projects == !team.project.empty()) {
    return absl::InvalidArgumentError("with --nats give --all-projects or --project NAME (one of them)");
  }
  if (!flags.at.empty() || flags.rebuild || flags.allow_damaged) {
    return absl::InvalidArgumentError(
        "--at, --rebuild and --allow-damaged read one store: not with --nats (the stream is folded whole)");
  }
  const int64_t clock = ctx.env->NowNanos();
  mirror::TeamFoldOptions o;
  o.stream = team.stream;
  o.project = team.project;
  o.now = clock;
  if (!flags.now.empty()) {
    ORCH_ASSIGN_OR_RETURN(o.now, ParseInstant("--now", flags.now, clock));
  }
  ORCH_ASSIGN_OR_RETURN(o.since, SinceOf(flags, o.now));
  mirror::ConnectOptions co;
  co.url = team.nats;
  ORCH_ASSIGN_OR_RETURN(auto js, mirror::JetStreamClient::Connect(co));
  ORCH_ASSIGN_OR_RETURN(TeamView view, mirror::FoldTeam(*js, o));
  // The pages list them too; a terminal or a log should not miss them.
  for (const TeamAttention& a : TeamNeedsHuman(view)) {
    if (a.subject == "chain") {
      *ctx.err << "orch: warning: project " << EscapeForDisplay(a.project) << ": " << EscapeForDisplay(a.why)
               << "\n";
    }
  }
  return view;
}

}  // namespace orch

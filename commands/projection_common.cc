#include "commands/projection_common.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "eventstore/atomic_file.h"
#include "formats/time_spec.h"

namespace orch {

namespace {

constexpr int64_t kDefaultWindowNs = int64_t{12} * 3600 * 1'000'000'000;

}  // namespace

absl::StatusOr<int64_t> ParseInstant(const std::string& flag, const std::string& text, int64_t now) {
  ORCH_ASSIGN_OR_RETURN(TimeSpec t, ParseTimeSpec(text, now, absl::LocalTimeZone()));
  if (t.is_seq)
    return absl::InvalidArgumentError(absl::StrCat("bad ", flag, " '", text, "': give a time, not a seq"));
  return t.time_ns;
}

absl::StatusOr<int64_t> SinceOf(const ProjectionFlags& f, int64_t now) {
  if (f.since.empty()) return now - kDefaultWindowNs;
  return ParseInstant("--since", f.since, now);
}

void AddProjectionFlags(CLI::App* sub, ProjectionFlags* f) {
  sub->add_option(
      "--at", f->at,
      "Show the state as it was then: RFC3339, HH:MM[:SS] (most recent), a duration ago (8h) or seq:N");
  sub->add_option("--now", f->now,
                  "Pin \"now\" for ages and overdue heartbeats (default: the clock, or --at)");
  sub->add_option("--since", f->since,
                  "Start of the \"merged / pushed / cleaned since\" window (default: 12h before now)");
  sub->add_flag("--rebuild", f->rebuild, "Ignore checkpoints and fold the whole log again");
  sub->add_flag("--allow-damaged", f->allow_damaged,
                "Read on past a changed or missing event (warned on stderr) instead of failing");
}

absl::StatusOr<LoadedProjection> LoadProjection(const ProjectionFlags& f, CommandContext& ctx,
                                                bool task_details) {
  const int64_t clock = ctx.env->NowNanos();
  LoadOptions lo;
  lo.from_scratch = f.rebuild;
  lo.task_details = task_details;
  if (!f.at.empty()) {
    ORCH_ASSIGN_OR_RETURN(TimeSpec at, ParseTimeSpec(f.at, clock, LocalZone(ctx)));
    lo.at = at;
  }
  ORCH_ASSIGN_OR_RETURN(auto store, OpenStoreForRead(ctx, f.allow_damaged));
  LoadedProjection p;
  ORCH_ASSIGN_OR_RETURN(p.model, LoadProjectModel(*store, lo, &p.stats));
  if (!f.now.empty()) {
    ORCH_ASSIGN_OR_RETURN(p.now, ParseInstant("--now", f.now, clock));
  } else if (lo.at && !lo.at->is_seq) {
    p.now = lo.at->time_ns;
  } else if (lo.at) {
    p.now = p.model.max_at;  // the moment of the last event folded
  } else {
    p.now = clock;
  }
  ORCH_ASSIGN_OR_RETURN(p.since, SinceOf(f, p.now));
  return p;
}

absl::Status WritePage(const std::string& out_path, const std::string& page, CommandContext& ctx) {
  if (!out_path.empty()) return WriteFileAtomically(*ctx.env, out_path, page, 0644, /*umask_applies=*/true);
  *ctx.out << page;
  ctx.out->flush();
  return absl::OkStatus();
}

}  // namespace orch

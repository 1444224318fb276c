// orch replay: the night as a readable timeline, or JSON lines for machines.
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/time_text.h"
#include "commands/stop_signal.h"
#include "commands/verbs.h"
#include "formats/event_json.h"
#include "formats/time_spec.h"
#include "projections/render/timeline_text.h"

namespace orch {

namespace {

struct ReplayOptions {
  std::string since, until, task;
  std::vector<std::string> types;
  std::string format = "text";
  bool json = false;
  bool follow = false;
  bool allow_damaged = false;
  double poll_seconds = 0.5;
  int64_t follow_for_seconds = 0;  // 0: until interrupted
};

absl::StatusOr<EventQuery> BuildQuery(const ReplayOptions& o, CommandContext& ctx) {
  EventQuery q;
  const int64_t now = ctx.env->NowNanos();
  const absl::TimeZone zone = LocalZone(ctx);
  if (!o.since.empty()) {
    ORCH_ASSIGN_OR_RETURN(TimeSpec s, ParseTimeSpec(o.since, now, zone));
    ApplySince(s, &q);
  }
  if (!o.until.empty()) {
    ORCH_ASSIGN_OR_RETURN(TimeSpec u, ParseTimeSpec(o.until, now, zone));
    ApplyUntil(u, &q);
  }
  if (!o.task.empty()) q.task = o.task;
  for (const std::string& name : o.types) {
    const EventTypeInfo* info = ctx.schema->Find(name);
    if (info == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown event type '", name, "'"));
    q.types.push_back(info->type);
  }
  return q;
}

// Prints the events of `q`; returns the last sequence printed (or 0).
absl::StatusOr<uint64_t> Print(const EventStore& store, const EventQuery& q, bool jsonl,
                               std::optional<int64_t>* prev_time, CommandContext& ctx) {
  uint64_t last = 0;
  absl::Status inner;
  const absl::TimeZone zone = LocalZone(ctx);
  ORCH_RETURN_IF_ERROR(store.Scan(q, [&](const LoggedEvent& e) {
    last = e.seq();
    if (jsonl) {
      auto j = LoggedEventToJson(*ctx.schema, e);
      if (!j.ok()) {
        inner = j.status();
        return false;
      }
      *ctx.out << j->dump() << "\n";
      return true;
    }
    auto payload = ctx.schema->PayloadToJson(e.event());
    if (!payload.ok()) {
      inner = payload.status();
      return false;
    }
    *ctx.out << FormatTimelineLine(e, ctx.schema->Find(e.type()), *payload, *prev_time, zone) << "\n";
    *prev_time = e.time_ns();
    return true;
  }));
  ORCH_RETURN_IF_ERROR(inner);
  ctx.out->flush();
  return last;
}

// Polling faster than every 10 ms spins a core for nothing (each check
// reads the store's new WAL); slower than an hour is not following.
constexpr double kMinPollSeconds = 0.01;
constexpr double kMaxPollSeconds = 3600;

absl::Status RunReplay(const ReplayOptions& o, CommandContext& ctx) {
  if (o.format != "text" && o.format != "jsonl") {
    return absl::InvalidArgumentError(absl::StrCat("bad --format '", o.format, "': use text or jsonl"));
  }
  if (!(o.poll_seconds >= kMinPollSeconds && o.poll_seconds <= kMaxPollSeconds)) {  // NaN too
    return absl::InvalidArgumentError(
        absl::StrCat("bad --poll ", o.poll_seconds, ": give seconds from 0.01 (10 ms) to 3600"));
  }
  if (o.follow_for_seconds < 0 || o.follow_for_seconds > kMaxDurationSeconds) {
    return absl::InvalidArgumentError(absl::StrCat("bad --follow-for ", o.follow_for_seconds,
                                                   ": give seconds from 0 (until interrupted) to ",
                                                   kMaxDurationSeconds));
  }
  const bool jsonl = o.json || o.format == "jsonl";
  ORCH_ASSIGN_OR_RETURN(EventQuery q, BuildQuery(o, ctx));
  // A reader never holds the writer's lock, so emitters keep going.
  ORCH_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store, OpenStoreForRead(ctx, o.allow_damaged));
  std::optional<int64_t> prev_time;
  ORCH_ASSIGN_OR_RETURN(uint64_t last, Print(*store, q, jsonl, &prev_time, ctx));
  if (!o.follow) return absl::OkStatus();
  const StopSignal stop;  // Ctrl-C ends the follow with exit 0; handlers restored on return
  const int64_t end =
      o.follow_for_seconds > 0 ? ctx.env->NowNanos() + o.follow_for_seconds * 1'000'000'000 : 0;
  uint64_t seen = std::max(last, store->head().seq);
  while (!stop.requested() && (end == 0 || ctx.env->NowNanos() < end)) {
    ctx.env->SleepForMicros(static_cast<int64_t>(o.poll_seconds * 1e6));
    ORCH_RETURN_IF_ERROR(store->CatchUp());
    if (store->head().seq <= seen) continue;
    EventQuery next = q;
    next.from_seq = std::max(q.from_seq, seen + 1);
    ORCH_ASSIGN_OR_RETURN(uint64_t printed, Print(*store, next, jsonl, &prev_time, ctx));
    seen = std::max(printed, store->head().seq);
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterReplay(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<ReplayOptions> o;
  CLI::App* sub = AddVerb(app, "replay", "Print the log as a timeline (or JSON lines)", ctx, RunReplay, &o);
  sub->add_option("--since", o->since,
                  "From: RFC3339, HH:MM[:SS] (most recent), a duration ago (8h) or seq:N");
  sub->add_option("--until", o->until, "Up to (exclusive for times, inclusive for seq:N); same forms");
  sub->add_option("--task", o->task, "Only this task's events");
  sub->add_option("--type", o->types, "Only events of this type (repeatable)");
  sub->add_option("--format", o->format, "text (default) or jsonl: one lossless JSON event a line");
  sub->add_flag("--json", o->json, "Same as --format jsonl");
  sub->add_flag("--follow,-f", o->follow, "Keep printing new events as they are appended (Ctrl-C stops)");
  sub->add_option("--poll", o->poll_seconds, "Seconds between checks while following (0.01 to 3600)")
      ->capture_default_str();
  sub->add_option("--follow-for", o->follow_for_seconds,
                  "Stop following after this many seconds (0: until interrupted)");
  sub->add_flag("--allow-damaged", o->allow_damaged,
                "Print past a changed or missing event (warned on stderr) instead of failing");
  sub->footer(
      "Examples:\n"
      "  orch replay --since 22:00            what happened since 10 pm\n"
      "  orch replay --since 8h --task T3     one task's night\n"
      "  orch replay --type merged --type pushed --format jsonl\n"
      "  orch replay -f                       watch the loop live");
}

}  // namespace orch

// orch mirror: publishes the local log to a NATS JetStream stream shared by
// a team (mirror/log_mirror.h), once or following the log. The store stays
// the source of truth; the mirror only reads it (never the writer's lock).
#include <unistd.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "commands/stop_signal.h"
#include "commands/verbs.h"
#include "mirror/jetstream.h"
#include "mirror/log_mirror.h"
#include "mirror/mirror_position.h"
#include "mirror/nats_url.h"

namespace orch {

namespace {

struct MirrorCliOptions {
  std::string nats;
  std::string stream = "ORCH";
  std::string project;
  std::string machine;
  bool once = false;
  bool follow = false;
  double poll_seconds = 0.1;
  int replicas = 1;
};

constexpr double kMinPollSeconds = 0.01;
constexpr double kMaxPollSeconds = 3600;
// How long --follow waits between attempts while NATS is unreachable.
constexpr int64_t kRetryMicros = 1'000'000;

// The project a store belongs to when --project is not given: the
// directory holding <repo>/.orch, else the store directory's own name.
std::string DefaultProject(const std::string& store_dir) {
  std::string dir = store_dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  auto base = [](const std::string& p) {
    const size_t slash = p.find_last_of('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
  };
  std::string name = base(dir);
  if (name == ".orch") {
    const size_t slash = dir.find_last_of('/');
    if (slash != std::string::npos && slash > 0) name = base(dir.substr(0, slash));
  }
  return name;
}

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "unknown";
  return buf;
}

// Sleeps `micros` in small steps so a stop request is seen soon.
void SleepUnlessStopped(Env& env, const StopSignal& stop, int64_t micros) {
  for (int64_t slept = 0; slept < micros && !stop.requested(); slept += 50'000) {
    env.SleepForMicros(std::min<int64_t>(50'000, micros - slept));
  }
}

std::string Describe(const mirror::SyncReport& r, const std::string& stream) {
  std::string line = absl::StrCat("mirrored the log up to #", r.head_seq, " into ", EscapeForDisplay(stream),
                                  ": ", r.published, " published");
  if (r.resent > 0) absl::StrAppend(&line, " (", r.resent, " re-sent: the stream had lost them)");
  if (r.duplicates > 0) absl::StrAppend(&line, ", ", r.duplicates, " already there (duplicates dropped)");
  return line + "\n";
}

// The flags alone, before the store is opened.
absl::Status CheckMirrorOptions(const MirrorCliOptions& o) {
  if (o.once && o.follow) return absl::InvalidArgumentError("give --once or --follow, not both");
  if (!(o.poll_seconds >= kMinPollSeconds && o.poll_seconds <= kMaxPollSeconds)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad --poll ", o.poll_seconds, ": give seconds from 0.01 (10 ms) to 3600"));
  }
  if (o.replicas < 1 || o.replicas > 5) {
    return absl::InvalidArgumentError(absl::StrCat("bad --replicas ", o.replicas, ": give 1 to 5"));
  }
  if (o.stream.empty() || o.stream.find_first_of(" \t\r\n.*>/\\") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad --stream '", EscapeForDisplay(o.stream),
                     "': a JetStream name has no spaces, '.', '*', '>', '/' or '\\'"));
  }
  return absl::OkStatus();
}

// `orch mirror --follow`: publishes what the log gains until SIGINT or
// SIGTERM, waiting out a NATS that is down.
absl::Status FollowMirror(const MirrorCliOptions& o, CommandContext& ctx, EventStore& store,
                          const mirror::ConnectOptions& co, const mirror::StreamSettings& ss,
                          const mirror::MirrorOptions& mo) {
  const StopSignal stop;  // SIGINT / SIGTERM end the follow with exit 0, NATS up or down
  // Returns at once when NATS is down: the library connects in the
  // background and the loop below waits for it, stoppable.
  ORCH_ASSIGN_OR_RETURN(auto js, mirror::JetStreamClient::Connect(co));
  mirror::LogMirror m(store, *js, *ctx.env, mo);
  bool ensured = false, waiting = false;
  while (!stop.requested()) {
    // The log as it is now, also after an outage: what Sync publishes and
    // the head it reports ("caught up to #N") are the log's, not the view
    // the reader had when NATS went away.
    ORCH_RETURN_IF_ERROR(store.CatchUp());
    // While the connection is down nats.c would buffer the publishes and
    // each would wait out its ack's timeout: wait for it instead.
    absl::Status s =
        js->connected()
            ? absl::OkStatus()
            : absl::UnavailableError(absl::StrCat("not connected to ", mirror::RedactNatsUrl(o.nats)));
    if (s.ok() && !ensured) s = js->EnsureStream(ss);
    if (s.ok()) ensured = true;
    absl::StatusOr<mirror::SyncReport> r = s.ok() ? m.Sync() : absl::StatusOr<mirror::SyncReport>(s);
    if (!r.ok()) {
      // Only an unreachable NATS is waited out; a conflict or a store
      // error ends the follow (exit 3 / 4).
      if (!absl::IsUnavailable(r.status())) return r.status();
      if (!waiting) {
        *ctx.err << "orch: waiting for NATS: " << EscapeForDisplay(r.status().message())
                 << " (retrying; Ctrl-C or SIGTERM stops)\n";
        ctx.err->flush();
      }
      waiting = true;
      m.Reset();
      SleepUnlessStopped(*ctx.env, stop, kRetryMicros);
      continue;
    }
    if (waiting) {
      *ctx.err << "orch: NATS is back; caught up to #" << r->head_seq << "\n";
      ctx.err->flush();
    }
    waiting = false;
    if (r->published > 0 || r->duplicates > 0) {
      *ctx.out << Describe(*r, o.stream);
      ctx.out->flush();
    }
    SleepUnlessStopped(*ctx.env, stop, static_cast<int64_t>(o.poll_seconds * 1e6));
  }
  return absl::OkStatus();
}

absl::Status RunMirror(const MirrorCliOptions& o, CommandContext& ctx) {
  ORCH_RETURN_IF_ERROR(CheckMirrorOptions(o));
  ORCH_ASSIGN_OR_RETURN(std::string store_dir, ResolveStoreDir(ctx));
  mirror::MirrorOptions mo;
  mo.stream = o.stream;
  mo.project = o.project.empty() ? DefaultProject(store_dir) : o.project;
  mo.machine = o.machine.empty() ? HostName() : o.machine;
  if (mo.project.empty()) return absl::InvalidArgumentError("bad --project '': give a name");
  mo.position_path = mirror::PositionPath(store_dir, o.stream);
  mo.note = [&ctx](const std::string& line) { *ctx.err << "orch: " << EscapeForDisplay(line) << "\n"; };
  // A reader: the mirror never holds back an emit.
  ORCH_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store, OpenStoreForRead(ctx));

  mirror::ConnectOptions co;
  co.url = o.nats;
  co.keep_trying = o.follow;
  mirror::StreamSettings ss;
  ss.name = o.stream;
  ss.replicas = o.replicas;
  if (!o.follow) {
    ORCH_ASSIGN_OR_RETURN(auto js, mirror::JetStreamClient::Connect(co));
    ORCH_RETURN_IF_ERROR(js->EnsureStream(ss));
    mirror::LogMirror m(*store, *js, *ctx.env, mo);
    ORCH_ASSIGN_OR_RETURN(mirror::SyncReport r, m.Sync());
    *ctx.out << Describe(r, o.stream);
    return absl::OkStatus();
  }

  return FollowMirror(o, ctx, *store, co, ss, mo);
}

}  // namespace

void RegisterMirror(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<MirrorCliOptions> o;
  CLI::App* sub = AddVerb(app, "mirror", "Publish the log to a NATS JetStream stream shared by a team", ctx,
                          RunMirror, &o);
  sub->add_option("--nats", o->nats,
                  "NATS server URL(s), e.g. nats://host:4222 (comma-separated for a cluster)")
      ->required();
  sub->add_option("--stream", o->stream, "JetStream stream (created with subjects orch.> if missing)")
      ->capture_default_str();
  sub->add_option("--project", o->project,
                  "Project name in the stream (default: the repository's directory name)");
  sub->add_option("--machine", o->machine, "Machine name in the messages (default: the host name)");
  sub->add_flag("--once", o->once, "Publish what the stream lacks and exit (the default)");
  sub->add_flag("--follow,-f", o->follow,
                "Keep publishing new events; wait for NATS when it is down (Ctrl-C stops)");
  sub->add_option("--poll", o->poll_seconds,
                  "Seconds between checks of the log while following (0.01 to 3600)")
      ->capture_default_str();
  sub->add_option("--replicas", o->replicas, "Replicas of the stream when mirror creates it (1 to 5)")
      ->capture_default_str();
  sub->footer(
      "Examples:\n"
      "  orch mirror --nats nats://nats.team:4222 --once\n"
      "  orch mirror --nats nats://n1:4222,nats://n2:4222,nats://n3:4222 --replicas 3 --follow");
}

}  // namespace orch

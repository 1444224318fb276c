// orch emit: appends one event (typed flags), or a batch from JSON.
//
// The typed sub-commands are generated from the schema: every payload table
// becomes `orch emit <kebab-name>` with one flag per field, so adding a
// field to schema/events.fbs is all it takes to emit it.
#include <cstdio>
#include <map>
#include <memory>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/display_text.h"
#include "base/limits.h"
#include "base/status_macros.h"
#include "base/strict_json.h"
#include "base/task_id.h"
#include "commands/append_event.h"
#include "commands/flag_names.h"
#include "commands/verbs.h"
#include "eventstore/sha256.h"
#include "formats/event_json.h"
#include "formats/time_spec.h"
#include "git/info_exclude.h"
#include "projections/task_fold.h"

namespace orch {

namespace {

// Envelope flags every event type takes.
struct EnvelopeFlags {
  std::string task, note, actor, evidence, at, idempotency_key;
  std::string expect_version;  // parsed in RunTyped: a negative must be refused, not mean "not given"
  bool expect_version_given = false;
  bool observed = false;
  bool json_out = false;
  bool from_git = false;  // committed, merged, pushed: see emit_from_git.cc
};

// One `orch emit TYPE` sub-command: its flags and where CLI11 stores them.
struct TypedEmit {
  const EventTypeInfo* info = nullptr;
  CLI::App* app = nullptr;
  EnvelopeFlags env;
  std::map<std::string, std::string> values;              // by field name
  std::map<std::string, std::vector<std::string>> lists;  // by field name
  std::map<std::string, bool> flags;                      // by field name
  std::map<std::string, CLI::Option*> options;            // by field name
};

struct EmitOptions {
  std::string json;
  std::string jsonl;
  std::vector<std::unique_ptr<TypedEmit>> typed;
};

std::string ResultJson(const AppendResult& r, const std::string& type, const std::string& task) {
  nlohmann::json j = {
      {"seq", r.seq}, {"version", r.version}, {"hash", ToHex(r.hash)}, {"type", type}, {"task", task}};
  if (r.duplicate) j["duplicate"] = true;
  if (!r.anomaly.empty()) j["anomaly"] = r.anomaly;
  return j.dump();
}

void ReportNotes(const AppendResult& r, std::ostream& err) {
  if (r.duplicate) err << "orch: idempotent retry: already recorded as seq " << r.seq << "\n";
  if (!r.anomaly.empty()) err << "orch: recorded as an anomaly: " << EscapeForDisplay(r.anomaly) << "\n";
}

// `create`: make the store if it is missing, as `orch init` would. Judged
// as the verb that would have made each step judges it (append_event.h).
absl::StatusOr<std::vector<AppendResult>> AppendWithGuard(CommandContext& ctx,
                                                          std::vector<AppendRequest> batch,
                                                          bool create = false) {
  ORCH_ASSIGN_OR_RETURN(auto store, OpenStoreForWrite(ctx, create));
  // A server's store dates events by the server's clock: a client's
  // ORCH_NOW must date them as direct mode would.
  if (ctx.server_store != nullptr && ctx.clock_pinned) {
    for (AppendRequest& r : batch)
      if (!r.at_ns) r.at_ns = ctx.env->NowNanos();
  }
  return AppendChecked(ctx, *store, std::move(batch));
}

absl::Status RunTyped(const TypedEmit& t, CommandContext& ctx) {
  const EventTypeInfo& info = *t.info;
  if (RequiresTask(info.type) && t.env.task.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(info.name, " needs --task ID"));
  }
  if (!t.env.task.empty()) ORCH_RETURN_IF_ERROR(CheckTaskId(t.env.task));
  EventContent c;
  c.type = info.type;
  c.task = t.env.task;
  c.actor = t.env.actor;
  c.note = t.env.note;
  c.evidence = t.env.evidence;
  c.idempotency_key = t.env.idempotency_key;
  c.claim = t.env.observed ? schema::Claim::observed : schema::Claim::reported;
  for (const PayloadField& f : info.fields) {
    if (t.options.at(f.name)->count() == 0) continue;
    if (f.kind == FieldKind::kStringList) {
      c.payload[f.name] = t.lists.at(f.name);
    } else if (f.kind == FieldKind::kBool) {
      c.payload[f.name] = t.flags.at(f.name);
    } else {
      c.payload[f.name] = t.values.at(f.name);
    }
  }
  if (t.env.from_git) ORCH_RETURN_IF_ERROR(FillFromGit(ctx, &c));
  if (info.type == EventType::Dispatched && !c.payload.contains("base_commit"))
    FillDefaultBaseCommit(ctx, &c);
  AppendRequest r;
  ORCH_ASSIGN_OR_RETURN(r.event, ctx.schema->BuildEvent(c));
  if (!t.env.at.empty()) {
    ORCH_ASSIGN_OR_RETURN(TimeSpec at, ParseTimeSpec(t.env.at, ctx.env->NowNanos(), LocalZone(ctx)));
    if (at.is_seq)
      return absl::InvalidArgumentError(absl::StrCat("bad --at '", t.env.at, "': give a time, not a seq"));
    r.at_ns = at.time_ns;
  }
  if (t.env.expect_version_given) {
    uint64_t v = 0;
    if (!absl::SimpleAtoi(t.env.expect_version, &v)) {
      return absl::InvalidArgumentError(absl::StrCat("bad --expect-version '", t.env.expect_version,
                                                     "': expected a task version, a whole number from 0"));
    }
    r.expected_version = v;
  }
  std::vector<AppendRequest> batch;
  batch.push_back(std::move(r));
  ORCH_ASSIGN_OR_RETURN(auto results, AppendWithGuard(ctx, std::move(batch)));
  ReportNotes(results[0], *ctx.err);
  if (t.env.json_out) {
    *ctx.out << ResultJson(results[0], info.name, c.task) << "\n";
  } else {
    *ctx.out << results[0].seq << "\n";
  }
  return absl::OkStatus();
}

// As `orch init` does, once a log starts: the store must not make the
// checkout look dirty. stdout carries the results, so notes go to stderr.
void KeepStoreOutOfGitStatus(CommandContext& ctx) {
  auto dir = ResolveStoreDir(ctx);
  if (!dir.ok()) return;
  auto excluded = git::ExcludeFromStatus(*dir);
  if (!excluded.ok()) {
    *ctx.err << "orch: warning: could not keep " << EscapeForDisplay(*dir)
             << " out of git status: " << EscapeForDisplay(excluded.status().message()) << "\n";
  } else if (*excluded == git::ExcludeResult::kAdded) {
    *ctx.err << "orch: added " << EscapeForDisplay(*dir)
             << " to the repository's info/exclude (git status ignores it)\n";
  }
}

// One batch is one atomic append, held in memory whole until it is written:
// it is capped (docs/cli.md, "Limits") so a runaway producer gets a clear
// error rather than a process that grows by gigabytes.
constexpr size_t kMaxBatchEvents = 10'000;
constexpr char kHowToSplit[] =
    "split it into batches (e.g. `split -l 10000 events.jsonl part-` and emit each part, or replay "
    "--since seq:N --until seq:M); each batch is atomic on its own";

// The whole --jsonl input, refusing more than kMaxBatchInputBytes.
absl::StatusOr<std::string> ReadAll(const std::string& path, const CommandContext& ctx) {
  if (path == "-" && ctx.stdin_text != nullptr) {  // a client's, sent to the server
    if (ctx.stdin_text->size() > kMaxBatchInputBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("--jsonl input is over the limit of 64 MiB for one batch: ", kHowToSplit));
    }
    return *ctx.stdin_text;
  }
  std::FILE* f = path == "-" ? stdin : std::fopen(FromWorkingDir(ctx, path).c_str(), "rb");
  if (f == nullptr) return absl::InvalidArgumentError(absl::StrCat("cannot read --jsonl file '", path, "'"));
  std::string text;
  char buf[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0 && text.size() <= kMaxBatchInputBytes) {
    text.append(buf, n);
  }
  const bool failed = std::ferror(f) != 0;
  if (f != stdin) std::fclose(f);
  if (failed) return absl::InvalidArgumentError(absl::StrCat("cannot read --jsonl file '", path, "'"));
  if (text.size() > kMaxBatchInputBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("--jsonl input is over the limit of 64 MiB for one batch: ", kHowToSplit));
  }
  return text;
}

// A batch being built: each event becomes its request at once, so only the
// event bytes are kept, not a JSON document per event.
struct JsonBatch {
  std::vector<AppendRequest> requests;
  std::vector<std::pair<std::string, std::string>> labels;  // type, task

  // `where` prefixes an error ("line 3 of --jsonl: ").
  absl::Status Add(EventSchema& schema, const nlohmann::json& j, const std::string& where) {
    if (requests.size() == kMaxBatchEvents) {
      return absl::InvalidArgumentError(absl::StrCat(where, "more than ", kMaxBatchEvents,
                                                     " events, the limit for one batch: ", kHowToSplit));
    }
    auto r = AppendRequestFromJson(schema, j);
    if (!r.ok()) return absl::Status(r.status().code(), absl::StrCat(where, r.status().message()));
    labels.emplace_back(j.value("type", ""), j.value("task", ""));
    requests.push_back(*std::move(r));
    return absl::OkStatus();
  }
};

absl::Status RunJson(const EmitOptions& o, CommandContext& ctx) {
  JsonBatch batch;
  if (!o.json.empty()) {
    ORCH_ASSIGN_OR_RETURN(nlohmann::json j, ParseJsonStrict(o.json, "--json"));
    if (j.is_array()) {
      for (size_t i = 0; i < j.size(); ++i) {
        ORCH_RETURN_IF_ERROR(batch.Add(*ctx.schema, j[i], absl::StrCat("event ", i + 1, ": ")));
      }
    } else {
      ORCH_RETURN_IF_ERROR(batch.Add(*ctx.schema, j, ""));
    }
  } else {
    ORCH_ASSIGN_OR_RETURN(std::string text, ReadAll(o.jsonl, ctx));
    size_t start = 0;
    for (int n = 1; start < text.size(); ++n) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      const absl::string_view line(text.data() + start, end - start);
      start = end + 1;
      if (line.find_first_not_of(" \t\r") == absl::string_view::npos) continue;
      const std::string where = absl::StrCat("line ", n, " of --jsonl");
      ORCH_ASSIGN_OR_RETURN(nlohmann::json j, ParseJsonStrict(line, where));
      ORCH_RETURN_IF_ERROR(batch.Add(*ctx.schema, j, where + ": "));
    }
  }
  if (batch.requests.empty()) return absl::InvalidArgumentError("no events given");
  // A batch that starts by initializing a project may create the store, so
  // `orch replay --format jsonl | orch --store NEW emit --jsonl -` copies a
  // log (docs/cli.md); any other batch needs an existing store.
  const bool starts_a_log = batch.labels.front().first == "project-initialized";
  ORCH_ASSIGN_OR_RETURN(auto results, AppendWithGuard(ctx, std::move(batch.requests), starts_a_log));
  for (size_t i = 0; i < results.size(); ++i) {
    ReportNotes(results[i], *ctx.err);
    *ctx.out << ResultJson(results[i], batch.labels[i].first, batch.labels[i].second) << "\n";
  }
  if (starts_a_log) KeepStoreOutOfGitStatus(ctx);
  return absl::OkStatus();
}

std::string ExampleFor(const EventTypeInfo& info) {
  std::string ex = absl::StrCat("  orch emit ", info.name);
  if (RequiresTask(info.type)) absl::StrAppend(&ex, " --task T1");
  int shown = 0;
  for (const PayloadField& f : info.fields) {
    if (shown++ == 3) break;
    switch (f.kind) {
      case FieldKind::kBool:
        absl::StrAppend(&ex, " --", f.flag);
        break;
      case FieldKind::kInt:
        absl::StrAppend(&ex, " --", f.flag, " 2");
        break;
      case FieldKind::kTime:
        absl::StrAppend(&ex, " --", f.flag, " 2026-11-25T03:00:00Z");
        break;
      case FieldKind::kDuration:
        absl::StrAppend(&ex, " --", f.flag, " 15m");
        break;
      case FieldKind::kMinutes:
        absl::StrAppend(&ex, " --", f.flag, " 90m");
        break;
      case FieldKind::kEnum:
        absl::StrAppend(&ex, " --", f.flag, " ", f.enum_values[0]);
        break;
      case FieldKind::kStringList:
        absl::StrAppend(&ex, " --", f.flag, " 'src/**'");
        break;
      case FieldKind::kString:
        absl::StrAppend(&ex, " --", f.flag, " '...'");
        break;
    }
  }
  return ex;
}

void AddTypedCommand(CLI::App* emit, const EventTypeInfo& info, EmitOptions& o, CommandContext& ctx) {
  auto t = std::make_unique<TypedEmit>();
  t->info = &info;
  TypedEmit* raw = t.get();
  CLI::App* sub = emit->add_subcommand(info.name, info.doc);
  sub->fallthrough();
  t->app = sub;
  sub->add_option("--task", raw->env.task, RequiresTask(info.type) ? "Task id (required)" : "Task id");
  for (const PayloadField& f : info.fields) {
    std::string help = f.doc;
    const std::string names = CliNames(f);  // the verbs' spelling first (flag_names.h)
    CLI::Option* opt = nullptr;
    switch (f.kind) {
      case FieldKind::kStringList:
        opt = sub->add_option(names, raw->lists[f.name], help + " [repeatable]");
        break;
      case FieldKind::kBool:
        opt = sub->add_flag(names, raw->flags[f.name], help);
        break;
      case FieldKind::kEnum: {
        for (const auto& [alias, value] : f.value_aliases)
          absl::StrAppend(&help, " (", alias, ": ", value, ")");
        const PayloadField* field = &f;  // the schema outlives the command line
        opt = sub->add_option(names, raw->values[f.name], help)
                  ->check(CLI::IsMember(f.enum_values))
                  ->transform([field](std::string v) { return field->CanonicalValue(v); });
        break;
      }
      case FieldKind::kTime:
        opt = sub->add_option(names, raw->values[f.name], help + " [RFC3339]");
        break;
      case FieldKind::kDuration:
        opt = sub->add_option(names, raw->values[f.name], help + " [90s, 15m, 2h]");
        break;
      case FieldKind::kMinutes:
        opt = sub->add_option(names, raw->values[f.name], help + " [minutes: 90, 90m, 2h]");
        break;
      case FieldKind::kString:
      case FieldKind::kInt:
        opt = sub->add_option(names, raw->values[f.name], help);
        break;
    }
    raw->options[f.name] = opt;
  }
  sub->add_option("--note", raw->env.note, "Free text kept with the event");
  sub->add_option("--actor", raw->env.actor, "Who emits: orchestrator, worker id, watchdog");
  sub->add_option("--evidence", raw->env.evidence,
                  "Evidence label: blocked static local proxy direct pre prod");
  sub->add_option("--at", raw->env.at, "When it happened (RFC3339, HH:MM[:SS] or 8h ago); default now");
  sub->add_option("--idempotency-key", raw->env.idempotency_key,
                  "A retry with the same key returns the first result and appends nothing");
  sub->add_option("--expect-version", raw->env.expect_version,
                  "Refuse (exit 3) unless the task is at this version (0: the task has no events yet)")
      ->each([raw](const std::string&) { raw->env.expect_version_given = true; });
  sub->add_flag("--observed", raw->env.observed,
                "Record an observed fact even if the lifecycle forbids it; it is marked as an anomaly");
  sub->add_flag("--json", raw->env.json_out, "Print {seq, version, hash, type, task} as JSON");
  if (info.type == EventType::Committed || info.type == EventType::Merged || info.type == EventType::Pushed) {
    sub->add_flag("--from-git", raw->env.from_git, "Fill commit ids and files from the repository (libgit2)");
  }
  sub->footer("Example:\n" + ExampleFor(info));
  sub->callback([raw, &ctx]() { ctx.result = RunTyped(*raw, ctx); });
  o.typed.push_back(std::move(t));
}

// The TYPE of `orch emit TYPE ...`, if the command line has one.
std::optional<std::string> EmitTypeArg(const std::vector<std::string>& args) {
  const std::optional<size_t> verb = VerbIndex(args);
  if (!verb || *verb + 1 >= args.size() || args[*verb] != "emit") return std::nullopt;
  const std::string& type = args[*verb + 1];
  if (type.empty() || type[0] == '-') return std::nullopt;
  return type;
}

}  // namespace

absl::Status CheckEmitType(const std::vector<std::string>& args, const EventSchema& schema,
                           const std::vector<std::string>& verbs) {
  const std::optional<std::string> type = EmitTypeArg(args);
  if (!type || schema.Find(*type) != nullptr) return absl::OkStatus();
  for (const std::string& verb : verbs) {
    if (*type == verb) {
      return absl::InvalidArgumentError(absl::StrCat("'", *type, "' is a verb, not an event type: run `orch ",
                                                     *type,
                                                     " ...` (orch emit --help lists the event types)"));
    }
  }
  std::vector<std::string> names;
  for (const auto& t : schema.types()) names.push_back(t.name);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown event type '", *type, "' (known: ", absl::StrJoin(names, ", "), ")"));
}

void RegisterEmit(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<EmitOptions>();
  CLI::App* emit = app.add_subcommand("emit", "Append one event to the log (prints its sequence number)");
  emit->fallthrough();
  emit->require_subcommand(0, 1);
  auto* json = emit->add_option("--json", o->json, "One event (or an array: one atomic batch) as JSON");
  auto* jsonl = emit->add_option("--jsonl", o->jsonl,
                                 "File of JSON events, one a line ('-' for stdin): one atomic batch");
  json->excludes(jsonl);
  // An emit names its type: building the other 24 sub-commands (some 500
  // CLI11 options) would cost every emit about a millisecond for nothing.
  const std::optional<std::string> named = EmitTypeArg(ctx.args);
  for (const EventTypeInfo& info : ctx.schema->types()) {
    if (!named || *named == info.name) AddTypedCommand(emit, info, *o, ctx);
  }
  emit->footer(
      "Examples:\n"
      "  orch emit dispatched --task T1 --title 'Checkout form' --branch task/t1 --allowed "
      "'web/checkout/**'\n"
      "  orch emit committed --task T1 --commit 4f2a9c1 --files web/checkout/form.tsx\n"
      "  orch emit --json "
      "'{\"type\":\"heartbeat\",\"source\":\"cron\",\"next_expected_at\":\"2026-11-25T03:30:00Z\"}'\n"
      "  orch replay --format jsonl | orch --store other emit --jsonl -\n"
      "Run `orch emit TYPE --help` for the flags of one type.");
  emit->callback([o, emit, &ctx]() {
    if (!emit->get_subcommands().empty()) return;  // a typed sub-command ran
    if (o->json.empty() && o->jsonl.empty()) {
      ctx.result = absl::InvalidArgumentError(
          "name an event type (orch emit --help lists them) or pass --json / --jsonl");
      return;
    }
    ctx.result = RunJson(*o, ctx);
  });
}

}  // namespace orch

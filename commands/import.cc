// orch import: a codex-orchestrator history (ledger.json and events.jsonl)
// appended to the log as one atomic batch (docs/import.md). The reading and
// the mapping live in importer/; this file reads the files and appends.
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/display_text.h"
#include "base/limits.h"
#include "base/status_macros.h"
#include "commands/append_event.h"
#include "commands/input_file.h"
#include "commands/verbs.h"
#include "git/info_exclude.h"
#include "importer/import_plan.h"
#include "importer/predecessor.h"
#include "projections/lifecycle_guard.h"
#include "schema/fb_string.h"

namespace orch {

namespace {

struct ImportOptions {
  std::string ledger, events;
  bool dry_run = false;
  bool json = false;
};

// docs/import.md: import is for switching, once. A task the log already
// has may come back only as it was imported: each of its planned events
// already in the log by its idempotency key (the key is the event's
// content). Any other event for it means the files changed since (or the
// task was recorded here), and the batch is refused before the guard sees
// it: the guard records a step the lifecycle forbids as observed imported
// history rather than refusing it, so a ledger edited from `active` to
// `merged` would otherwise append an observed `merged`. Aborted (exit 3)
// naming the task and the file's entry or field that gives the new event.
absl::Status RefuseChangesToLoggedTasks(const importer::ImportPlan& plan, const EventStore& store) {
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> logged_keys;  // per task
  for (const importer::PlannedEvent& e : plan.events) {
    if (e.task.empty()) continue;
    auto it = logged_keys.find(e.task);
    if (it == logged_keys.end()) {
      absl::flat_hash_set<std::string> keys;
      EventQuery query;
      query.task = e.task;
      ORCH_RETURN_IF_ERROR(store.Scan(query, [&keys](const LoggedEvent& l) {
        keys.insert(std::string(FbStr(l.event().idempotency_key())));
        return true;
      }));
      it = logged_keys.emplace(e.task, std::move(keys)).first;
    }
    if (it->second.empty()) continue;  // a task the log does not have yet
    if (it->second.contains(e.json["idempotency_key"].get<std::string>())) continue;
    return absl::AbortedError(absl::StrCat(
        "nothing imported: the log already has task '", EscapeForDisplay(e.task), "', and ",
        EscapeForDisplay(e.origin), " gives it otherwise now (a ", e.json["type"].get<std::string>(),
        " event the log lacks): orch import is for switching, once; record later steps with orch emit"));
  }
  return absl::OkStatus();
}

void PrintPlan(const importer::ImportPlan& plan, bool json, std::ostream& out) {
  for (const importer::PlannedEvent& e : plan.events) {
    if (json) {
      out << e.json.dump() << "\n";
      continue;
    }
    const auto& j = e.json;
    std::string what = j.value("note", "");
    if (j["payload"].contains("text")) what = j["payload"]["text"].get<std::string>();
    if (what.empty()) what = j["payload"].dump();
    out << j["at"].get<std::string>() << "  " << (e.task.empty() ? "-" : EscapeForDisplay(e.task)) << "  "
        << j["type"].get<std::string>() << (e.observed ? " (observed)" : "") << "  " << EscapeForDisplay(what)
        << "\n";
  }
  if (!json) {
    out << "would append " << plan.events.size() << " events for " << plan.tasks << " tasks ("
        << plan.observed << " recorded as observed); nothing was appended\n";
  }
}

absl::Status RunImport(const ImportOptions& o, CommandContext& ctx) {
  // Both files are held whole in memory: bounded as one emit batch is.
  ORCH_ASSIGN_OR_RETURN(std::string ledger_text, ReadInputFile(o.ledger, kMaxBatchInputBytes));
  ORCH_ASSIGN_OR_RETURN(importer::Ledger ledger, importer::ParseLedger(ledger_text, o.ledger));
  std::vector<importer::Entry> events;
  if (!o.events.empty()) {
    ORCH_ASSIGN_OR_RETURN(std::string events_text, ReadInputFile(o.events, kMaxBatchInputBytes));
    ORCH_ASSIGN_OR_RETURN(events, importer::ParseEvents(events_text, o.events));
  }
  importer::ImportOptions options;
  options.now_ns = ctx.env->NowNanos();
  ORCH_ASSIGN_OR_RETURN(importer::ImportPlan plan,
                        importer::PlanImport(*ctx.schema, ledger, events, options));
  if (o.dry_run) {
    PrintPlan(plan, o.json, *ctx.out);
    return absl::OkStatus();
  }

  std::vector<AppendRequest> batch;
  batch.reserve(plan.events.size());
  for (importer::PlannedEvent& e : plan.events) batch.push_back(std::move(e.request));
  // Switching tools is one step: the store is created like `orch init` does.
  ORCH_ASSIGN_OR_RETURN(auto store, OpenStoreForWrite(ctx, /*create=*/true));
  // Checked and appended under the writer's lock: nothing slips in between.
  // A step the gates refuse happened under the predecessor: the guard
  // records imported history with its anomaly instead of refusing it.
  ORCH_RETURN_IF_ERROR(RefuseChangesToLoggedTasks(plan, *store));
  auto results = AppendChecked(ctx, *store, std::move(batch));
  if (!results.ok()) {
    return absl::Status(results.status().code(),
                        absl::StrCat("nothing imported: ", results.status().message()));
  }
  uint64_t appended = 0, first = 0, last = 0;
  for (const AppendResult& r : *results) {
    if (r.duplicate) continue;
    ++appended;
    if (first == 0) first = r.seq;
    last = r.seq;
  }
  const uint64_t duplicates = results->size() - appended;
  if (auto dir = ResolveStoreDir(ctx); dir.ok() && appended > 0) {
    if (auto excluded = git::ExcludeFromStatus(*dir);
        excluded.ok() && *excluded == git::ExcludeResult::kAdded) {
      *ctx.err << "orch: added " << EscapeForDisplay(*dir)
               << " to the repository's info/exclude (git status ignores it)\n";
    }
  }
  if (o.json) {
    nlohmann::json j = {{"tasks", plan.tasks},      {"events", results->size()}, {"appended", appended},
                        {"duplicates", duplicates}, {"observed", plan.observed}, {"firstSeq", first},
                        {"lastSeq", last}};
    *ctx.out << j.dump() << "\n";
  } else if (appended == 0) {
    *ctx.out << "nothing to import: the " << results->size() << " events of " << EscapeForDisplay(o.ledger)
             << " are already in the log\n";
  } else {
    *ctx.out << "imported " << plan.tasks << " tasks: " << appended << " events appended (seq " << first
             << "-" << last << "), " << plan.observed << " recorded as observed"
             << (duplicates > 0 ? absl::StrCat(", ", duplicates, " already in the log") : "") << "\n";
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterImport(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<ImportOptions> o;
  CLI::App* sub = AddVerb(
      app, "import",
      "Bring a codex-orchestrator history (ledger.json, events.jsonl) into the log, in one atomic batch", ctx,
      RunImport, &o);
  sub->add_option("--ledger", o->ledger, "The predecessor's ledger.json")->required();
  sub->add_option("--events", o->events, "Its events.jsonl (history the ledger lacks, run-mode changes)");
  sub->add_flag("--dry-run", o->dry_run, "Print what would be appended (--json: as orch emit --jsonl input)");
  sub->add_flag("--json", o->json, "Print the result as JSON");
  sub->footer(
      "Examples:\n"
      "  orch import --ledger .codex-orchestrator/ledger.json --events .codex-orchestrator/events.jsonl\n"
      "  orch import --ledger ledger.json --dry-run\n"
      "Importing the same files again appends nothing. docs/import.md has the mapping.");
}

}  // namespace orch

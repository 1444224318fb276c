#include "importer/import_plan.h"

#include <algorithm>
#include <deque>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "base/time_text.h"
#include "eventstore/sha256.h"
#include "importer/task_plan.h"
#include "projections/lifecycle_guard.h"
#include "projections/task_fold.h"

namespace orch::importer {

namespace {

using oj = nlohmann::ordered_json;

// A task's entries: its ledger history, then the events.jsonl lines the
// history lacks.
struct TaskEntries {
  const Task* task = nullptr;
  std::vector<Entry> entries;
  size_t from_ledger = 0;     // the first entries are the ledger's history
  std::vector<bool> matched;  // ledger entries a line of events.jsonl matched
};

// Gathers every task's entries, in time order; the lines without a task go
// to `project`. Tasks only events.jsonl knows are created in `extra`.
std::vector<TaskEntries> GatherTasks(const Ledger& ledger, const std::vector<Entry>& events,
                                     std::deque<Task>* extra, std::vector<Entry>* project) {
  std::vector<TaskEntries> tasks;
  std::map<std::string, size_t> index;
  for (const Task& t : ledger.tasks) {
    index[t.id] = tasks.size();
    tasks.push_back(TaskEntries{&t, t.history, t.history.size(), std::vector<bool>(t.history.size())});
  }
  for (const Entry& e : events) {
    if (e.task.empty()) {
      project->push_back(e);
      continue;
    }
    auto it = index.find(e.task);
    if (it == index.end()) {
      Task& t = extra->emplace_back();
      t.id = e.task;
      t.origin = e.origin;
      it = index.emplace(e.task, tasks.size()).first;
      tasks.push_back(TaskEntries{&t, {}, 0, {}});
    }
    TaskEntries& te = tasks[it->second];
    // The same fact in both files is one entry: the ledger's, with the
    // line's other keys.
    bool merged = false;
    for (size_t i = 0; i < te.from_ledger && !merged; ++i) {
      Entry& h = te.entries[i];
      if (te.matched[i] || h.at != e.at || h.type != e.type || h.status != e.status || h.note != e.note)
        continue;
      te.matched[i] = merged = true;
      for (const auto& [key, value] : e.extras) {
        auto same =
            std::find_if(h.extras.begin(), h.extras.end(), [&](const auto& kv) { return kv.first == key; });
        if (same == h.extras.end()) {
          h.extras.emplace_back(key, value);
        } else if (same->second != value) {
          h.extras.emplace_back(absl::StrCat(key, " in ", e.origin), value);
        }
      }
    }
    if (!merged) te.entries.push_back(e);
  }
  for (TaskEntries& te : tasks) {
    std::stable_sort(te.entries.begin(), te.entries.end(),
                     [](const Entry& a, const Entry& b) { return a.at < b.at; });
  }
  // A task only events.jsonl knows ends where its last line left it.
  for (Task& t : *extra) {
    const TaskEntries& te = tasks[index[t.id]];
    for (const Entry& e : te.entries) {
      if (!e.status.empty()) t.status = e.status;
    }
  }
  return tasks;
}

std::string PushPolicy(const std::string& p) {
  if (p == "manual" || p == "never") return p;
  if (p == "after-merge" || p == "after_merge") return "after-merge";
  return "";
}

std::string RunMode(const std::string& dispatch_mode) {
  return dispatch_mode == "drain" ? "draining" : dispatch_mode;
}

std::string EntryText(const Entry& e) {
  std::vector<std::string> parts;
  for (const auto& [key, value] : e.extras) parts.push_back(absl::StrCat(key, ": ", value));
  std::string text = absl::StrCat("codex-orchestrator ", e.type,
                                  e.status.empty() ? "" : ", status " + e.status, ": ", e.note);
  if (!parts.empty()) absl::StrAppend(&text, " (", absl::StrJoin(parts, "; "), ")");
  return text;
}

Draft NoteDraft(int64_t at, const std::string& text, const std::string& origin) {
  oj j = DraftJson("note", "", at, "");
  j["payload"]["text"] = text;
  return Draft{std::move(j), at, "", origin, false};
}

// The project's events: settings, run modes, and what has no event of its
// own. `created`/`updated` date what has no time of its own.
std::vector<Draft> PlanProject(const Ledger& l, const std::vector<Entry>& project, int64_t created,
                               int64_t updated) {
  std::vector<Draft> out;
  const Entry* init = nullptr;
  for (const Entry& e : project) {
    if (e.type == "init") {
      init = &e;
      break;
    }
  }
  {
    const int64_t at = init != nullptr ? init->at : created;
    std::string note =
        init != nullptr && !init->note.empty() ? init->note : "imported from codex-orchestrator";
    absl::StrAppend(&note, " (codex-orchestrator ledger version ", l.version, ")");
    const std::string policy = PushPolicy(l.push_policy);
    if (policy.empty() && !l.push_policy.empty()) {
      absl::StrAppend(&note, "; its pushPolicy '", l.push_policy, "' is not one of orch's (manual kept)");
    }
    oj j = DraftJson("project-initialized", "", at, note);
    oj& p = j["payload"];
    if (!l.project_root.empty()) p["project_root"] = l.project_root;
    if (!l.default_branch.empty()) p["default_branch"] = l.default_branch;
    if (!l.remote.empty()) p["remote"] = l.remote;
    if (!policy.empty()) p["push_policy"] = policy;
    if (l.has_max_concurrency) p["max_concurrency"] = l.max_concurrency;
    out.push_back(Draft{std::move(j), at, "", init != nullptr ? init->origin : l.name, false});
  }
  std::string mode = "active", reason;
  int64_t mode_at = 0;
  for (const Entry& e : project) {
    if (&e == init) continue;
    if (e.type == "run-mode") {
      oj j = DraftJson("run-mode-changed", "", e.at, "");
      j["payload"]["mode"] = RunMode(e.status);
      if (!e.note.empty()) j["payload"]["reason"] = e.note;
      mode = RunMode(e.status);
      reason = e.note;
      mode_at = e.at;
      out.push_back(Draft{std::move(j), e.at, "", e.origin, false});
      continue;
    }
    out.push_back(NoteDraft(e.at, EntryText(e), e.origin));
  }
  auto time_of = [updated](const nlohmann::json& x) {
    if (x.is_object() && x.contains("at") && x["at"].is_string()) {
      auto t = ParseRfc3339(x["at"].get<std::string>());
      if (t.ok()) return *t;
    }
    return updated;
  };
  for (size_t i = 0; i < l.routine_runs.size(); ++i) {
    out.push_back(NoteDraft(time_of(l.routine_runs[i]),
                            absl::StrCat("codex-orchestrator routine run: ", l.routine_runs[i].dump()),
                            absl::StrCat(l.name, ": routineRuns[", i, "]")));
  }
  for (size_t i = 0; i < l.misalignment_events.size(); ++i) {
    out.push_back(
        NoteDraft(time_of(l.misalignment_events[i]),
                  absl::StrCat("codex-orchestrator misalignment event: ", l.misalignment_events[i].dump()),
                  absl::StrCat(l.name, ": misalignmentEvents[", i, "]")));
  }
  for (const auto& [key, value] : l.unknown) {
    out.push_back(NoteDraft(updated,
                            absl::StrCat("codex-orchestrator ledger field ", key, ": ", value.dump()),
                            absl::StrCat(l.name, ": ", key)));
  }
  // The run mode the ledger ends in, when its events did not set it.
  if (l.has_dispatch_mode && (RunMode(l.dispatch_mode) != mode || l.dispatch_note != reason)) {
    const int64_t at = std::max(updated, mode_at);
    oj j = DraftJson("run-mode-changed", "", at, "");
    j["payload"]["mode"] = RunMode(l.dispatch_mode);
    if (!l.dispatch_note.empty()) j["payload"]["reason"] = l.dispatch_note;
    out.push_back(Draft{std::move(j), at, "", absl::StrCat(l.name, ": dispatchMode"), false});
  }
  return out;
}

// A key from the event's content (everything but the key), and how many
// events with the same content came before it: the same files give the
// same keys, and two equal events still get two.
std::string KeyFor(const oj& j, std::map<std::string, int>* seen) {
  const std::string content = nlohmann::json::parse(j.dump()).dump();  // keys sorted
  const int n = (*seen)[content]++;
  return absl::StrCat(kImportKeyPrefix, ToHex(Sha256(absl::StrCat(content, "#", n))).substr(0, 32));
}

oj WithKey(const oj& j, const std::string& key) {
  oj out;
  for (const auto& [k, v] : j.items()) {
    if (k == "payload") out["idempotency_key"] = key;
    out[k] = v;
  }
  return out;
}

}  // namespace

absl::StatusOr<ImportPlan> PlanImport(EventSchema& schema, const Ledger& ledger,
                                      const std::vector<Entry>& events, const ImportOptions& options) {
  std::deque<Task> extra;
  std::vector<Entry> project;
  const std::vector<TaskEntries> tasks = GatherTasks(ledger, events, &extra, &project);

  // Times to date what has none of its own.
  int64_t earliest = 0, latest = 0;
  auto see = [&](int64_t at) {
    if (at == 0) return;
    earliest = earliest == 0 ? at : std::min(earliest, at);
    latest = std::max(latest, at);
  };
  for (const TaskEntries& te : tasks) {
    for (const Entry& e : te.entries) see(e.at);
  }
  for (const Entry& e : project) see(e.at);
  const int64_t created = ledger.created_at != 0 ? ledger.created_at
                          : earliest != 0        ? earliest
                                                 : ledger.updated_at;
  const int64_t updated = ledger.updated_at != 0 ? ledger.updated_at : latest != 0 ? latest : created;
  if (created == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        ledger.name,
        ": createdAt and updatedAt are empty and no entry has a time: nothing to date the import by"));
  }

  std::vector<Draft> drafts = PlanProject(ledger, project, created, updated);
  for (const TaskEntries& te : tasks) {
    ORCH_ASSIGN_OR_RETURN(std::vector<Draft> d, PlanTask(schema, ledger, *te.task, te.entries, updated));
    for (Draft& x : d) drafts.push_back(std::move(x));
  }
  // One timeline; a task's own events are already in order and stay so.
  std::stable_sort(drafts.begin(), drafts.end(), [](const Draft& a, const Draft& b) { return a.at < b.at; });

  ImportPlan plan;
  plan.tasks = tasks.size();
  std::map<std::string, int> seen;
  const int64_t allowed = options.now_ns + absl::ToInt64Nanoseconds(kFutureAllowance);
  for (Draft& d : drafts) {
    if (options.now_ns != 0 && d.at > allowed) {
      return absl::InvalidArgumentError(absl::StrCat(
          d.origin, ": dated ", FormatRfc3339(d.at), ", in the future: an event may be dated at most ",
          absl::FormatDuration(kFutureAllowance), " after the clock (now ", FormatRfc3339(options.now_ns),
          ")"));
    }
    PlannedEvent p;
    p.json = WithKey(d.json, KeyFor(d.json, &seen));
    ORCH_ASSIGN_OR_RETURN(p.request, BuildRequest(schema, p.json, d.origin));
    p.at = d.at;
    p.task = d.task;
    p.observed = d.observed;
    p.origin = d.origin;
    if (p.observed) ++plan.observed;
    plan.events.push_back(std::move(p));
  }
  return plan;
}

}  // namespace orch::importer

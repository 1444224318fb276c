// ledger.json of codex-orchestrator, checked key by key against the types
// its own readers demand (docs/ledger.md).
#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "base/task_id.h"
#include "importer/entry_fields.h"
#include "importer/json_text.h"
#include "importer/predecessor.h"

namespace orch::importer {

namespace {

using nlohmann::json;

// Reads one object's keys with the path of each for messages.
class Fields {
 public:
  Fields(const json& obj, std::string path) : obj_(obj), path_(std::move(path)) {}

  std::string Path(absl::string_view key) const {
    return path_.empty() ? std::string(key) : absl::StrCat(path_, ".", key);
  }
  bool Has(const char* key) {
    seen_.push_back(key);
    return obj_.contains(key) && !obj_[key].is_null();
  }
  const json& At(const char* key) const { return obj_[key]; }

  // A string key; "" when absent or null (Go's zero value).
  absl::Status String(const char* key, std::string* out) {
    if (!Has(key)) return absl::OkStatus();
    if (!At(key).is_string()) return WrongType(Path(key), At(key), "a string");
    *out = At(key).get<std::string>();
    return absl::OkStatus();
  }
  absl::Status Integer(const char* key, int64_t* out, bool* present = nullptr) {
    if (!Has(key)) return absl::OkStatus();
    // Go's int takes an integer literal: 3.0 and "3" are refused.
    if (!At(key).is_number_integer() ||
        (At(key).is_number_unsigned() && At(key).get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
      return WrongType(Path(key), At(key), "an integer");
    }
    *out = At(key).get<int64_t>();
    if (present != nullptr) *present = true;
    return absl::OkStatus();
  }
  absl::Status Strings(const char* key, std::vector<std::string>* out) {
    if (!Has(key)) return absl::OkStatus();
    return StringList(At(key), Path(key), out);
  }
  // A time; 0 when absent, "" or Go's zero time (a time.Time never set).
  absl::Status Time(const char* key, int64_t* out) {
    std::string text;
    ORCH_RETURN_IF_ERROR(String(key, &text));
    if (text.empty() || text == "0001-01-01T00:00:00Z") return absl::OkStatus();
    ORCH_ASSIGN_OR_RETURN(*out, TimeAt(Path(key), text));
    return absl::OkStatus();
  }
  // The keys not read so far, as they are.
  KeptJson Rest() const {
    KeptJson rest;
    for (const auto& [key, value] : obj_.items()) {
      if (std::find(seen_.begin(), seen_.end(), key) == seen_.end()) rest.emplace_back(key, value);
    }
    return rest;
  }

  static absl::Status StringList(const json& v, const std::string& path, std::vector<std::string>* out) {
    if (v.is_null()) return absl::OkStatus();  // Go reads a null slice
    if (!v.is_array()) return WrongType(path, v, "an array of strings");
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) return WrongType(absl::StrCat(path, "[", i, "]"), v[i], "a string");
      out->push_back(v[i].get<std::string>());
    }
    return absl::OkStatus();
  }

 private:
  const json& obj_;
  std::string path_;
  std::vector<std::string> seen_;
};

absl::Status Object(const json& v, const std::string& path) {
  return v.is_object() ? absl::OkStatus() : WrongType(path, v, "an object");
}

absl::Status Status(const std::string& path, const std::string& status) {
  if (IsPredecessorStatus(status)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(path, ": unknown status '", status,
                                                 "' (codex-orchestrator uses ",
                                                 absl::StrJoin(PredecessorStatuses(), ", "), ")"));
}

absl::StatusOr<Entry> ParseHistoryEntry(const json& v, const std::string& path, const std::string& task) {
  ORCH_RETURN_IF_ERROR(Object(v, path));
  Entry e;
  e.task = task;
  e.origin = path;
  // Every value of an entry is a string: the contract of its readers.
  ORCH_RETURN_IF_ERROR(ReadEntryFields(
      v, [&path](const std::string& key) { return absl::StrCat(path, ".", key); }, /*task_key=*/false, &e));
  if (!v.contains("at"))
    return absl::InvalidArgumentError(absl::StrCat(path, ": no \"at\": an entry needs its time"));
  if (!e.status.empty()) ORCH_RETURN_IF_ERROR(Status(path + ".status", e.status));
  return e;
}

absl::Status ParseEvidence(Fields& f, Task* t) {
  if (!f.Has("evidence")) return absl::OkStatus();
  const json& ev = f.At("evidence");
  ORCH_RETURN_IF_ERROR(Object(ev, f.Path("evidence")));
  // "object of any values": what does not have the type codex-orchestrator
  // writes is kept as it is, not refused.
  for (const auto& [key, value] : ev.items()) {
    if (key == "expected" && value.is_string()) {
      t->expected_evidence = value.get<std::string>();
      continue;
    }
    std::vector<std::string> list;
    if ((key == "labels" || key == "notes") &&
        Fields::StringList(value, f.Path("evidence." + key), &list).ok()) {
      (key == "labels" ? t->labels : t->evidence_notes) = std::move(list);
      continue;
    }
    if (!value.is_null()) t->evidence_other.emplace_back(key, value);
  }
  return absl::OkStatus();
}

absl::Status ParseBudget(Fields& f, Task* t) {
  if (!f.Has("budget")) return absl::OkStatus();
  ORCH_RETURN_IF_ERROR(Object(f.At("budget"), f.Path("budget")));
  Fields b(f.At("budget"), f.Path("budget"));
  t->has_budget = true;
  ORCH_RETURN_IF_ERROR(b.Integer("maxRuntimeMinutes", &t->budget.runtime_minutes));
  ORCH_RETURN_IF_ERROR(b.Integer("reviewBudgetMinutes", &t->budget.review_minutes));
  ORCH_RETURN_IF_ERROR(b.String("note", &t->budget.note));
  for (auto& [key, value] : b.Rest()) t->unknown.emplace_back("budget." + key, value);
  return absl::OkStatus();
}

absl::Status ParseConstraintStack(Fields& f, Task* t) {
  if (!f.Has("constraintStack")) return absl::OkStatus();
  ORCH_RETURN_IF_ERROR(Object(f.At("constraintStack"), f.Path("constraintStack")));
  Fields c(f.At("constraintStack"), f.Path("constraintStack"));
  ConstraintStack& s = t->constraint_stack;
  t->has_constraint_stack = true;
  ORCH_RETURN_IF_ERROR(c.String("userInstruction", &s.user_instruction));
  ORCH_RETURN_IF_ERROR(c.Strings("constraints", &s.constraints));
  ORCH_RETURN_IF_ERROR(c.Strings("allowedPaths", &s.allowed_paths));
  ORCH_RETURN_IF_ERROR(c.Strings("forbiddenPaths", &s.forbidden_paths));
  ORCH_RETURN_IF_ERROR(c.Strings("requiredGates", &s.required_gates));
  ORCH_RETURN_IF_ERROR(c.String("evidenceBoundary", &s.evidence_boundary));
  ORCH_RETURN_IF_ERROR(c.Strings("authority", &s.authority));
  ORCH_RETURN_IF_ERROR(c.String("packageId", &s.package_id));
  ORCH_RETURN_IF_ERROR(c.String("packageSwitchReason", &s.package_switch_reason));
  for (auto& [key, value] : c.Rest()) t->unknown.emplace_back("constraintStack." + key, value);
  return absl::OkStatus();
}

absl::StatusOr<Task> ParseTask(const json& v, const std::string& path) {
  ORCH_RETURN_IF_ERROR(Object(v, path));
  Fields f(v, path);
  Task t;
  t.origin = path;
  ORCH_RETURN_IF_ERROR(f.String("id", &t.id));
  if (t.id.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ".id: missing or empty"));
  if (absl::Status s = CheckTaskId(t.id); !s.ok())
    return absl::InvalidArgumentError(absl::StrCat(path, ".id: ", s.message()));
  ORCH_RETURN_IF_ERROR(f.String("status", &t.status));
  if (t.status.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ".status: missing or empty"));
  ORCH_RETURN_IF_ERROR(Status(path + ".status", t.status));
  ORCH_RETURN_IF_ERROR(f.String("title", &t.title));
  ORCH_RETURN_IF_ERROR(f.String("packageId", &t.package_id));
  ORCH_RETURN_IF_ERROR(f.String("threadId", &t.thread_id));
  ORCH_RETURN_IF_ERROR(f.String("pendingWorktreeId", &t.pending_worktree_id));
  ORCH_RETURN_IF_ERROR(f.String("worktree", &t.worktree));
  ORCH_RETURN_IF_ERROR(f.String("branch", &t.branch));
  ORCH_RETURN_IF_ERROR(f.String("baseCommit", &t.base_commit));
  ORCH_RETURN_IF_ERROR(ParseBudget(f, &t));
  if (f.Has("writeSet")) {
    ORCH_RETURN_IF_ERROR(Object(f.At("writeSet"), f.Path("writeSet")));
    for (const auto& [key, value] : f.At("writeSet").items()) {
      const std::string where = f.Path("writeSet." + key);
      if (key == "allowed") {
        ORCH_RETURN_IF_ERROR(Fields::StringList(value, where, &t.allowed));
      } else if (key == "forbidden") {
        ORCH_RETURN_IF_ERROR(Fields::StringList(value, where, &t.forbidden));
      } else {
        std::vector<std::string> other;
        ORCH_RETURN_IF_ERROR(Fields::StringList(value, where, &other));  // the contract's type
        t.unknown.emplace_back("writeSet." + key, value);
      }
    }
  }
  ORCH_RETURN_IF_ERROR(f.Strings("gates", &t.gates));
  ORCH_RETURN_IF_ERROR(ParseEvidence(f, &t));
  ORCH_RETURN_IF_ERROR(ParseConstraintStack(f, &t));
  if (f.Has("lastObservation")) {
    const json& o = f.At("lastObservation");
    ORCH_RETURN_IF_ERROR(Object(o, f.Path("lastObservation")));
    for (const auto& [key, value] : o.items()) {
      if (!value.is_string()) return WrongType(f.Path("lastObservation." + key), value, "a string");
      if (!value.get_ref<const std::string&>().empty()) t.last_observation.emplace_back(key, value);
    }
  }
  if (f.Has("history")) {
    const json& h = f.At("history");
    if (!h.is_array()) return WrongType(f.Path("history"), h, "an array of entries");
    for (size_t i = 0; i < h.size(); ++i) {
      ORCH_ASSIGN_OR_RETURN(Entry e, ParseHistoryEntry(h[i], absl::StrCat(path, ".history[", i, "]"), t.id));
      t.history.push_back(std::move(e));
    }
  }
  for (auto& kept : f.Rest()) {
    if (!kept.second.is_null()) t.unknown.push_back(std::move(kept));
  }
  return t;
}

absl::Status AnyArray(Fields& f, const char* key, std::vector<json>* out) {
  if (!f.Has(key)) return absl::OkStatus();
  if (!f.At(key).is_array()) return WrongType(f.Path(key), f.At(key), "an array");
  for (const json& x : f.At(key)) out->push_back(x);
  return absl::OkStatus();
}

// Prefixes every message with the file name.
absl::Status InFile(const absl::Status& s, const std::string& name) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(name, ": ", s.message()));
}

absl::StatusOr<Ledger> Parse(const json& doc, const std::string& name) {
  if (!doc.is_object()) return WrongType("the document", doc, "an object");
  Fields f(doc, "");
  Ledger l;
  l.name = name;
  ORCH_RETURN_IF_ERROR(f.Integer("version", &l.version));
  ORCH_RETURN_IF_ERROR(f.String("projectRoot", &l.project_root));
  ORCH_RETURN_IF_ERROR(f.String("defaultBranch", &l.default_branch));
  ORCH_RETURN_IF_ERROR(f.String("remote", &l.remote));
  ORCH_RETURN_IF_ERROR(f.String("pushPolicy", &l.push_policy));
  ORCH_RETURN_IF_ERROR(f.Time("createdAt", &l.created_at));
  ORCH_RETURN_IF_ERROR(f.Time("updatedAt", &l.updated_at));
  l.has_dispatch_mode = f.Has("dispatchMode");
  ORCH_RETURN_IF_ERROR(f.String("dispatchMode", &l.dispatch_mode));
  if (l.has_dispatch_mode && l.dispatch_mode != "active" && l.dispatch_mode != "drain" &&
      l.dispatch_mode != "paused") {
    return absl::InvalidArgumentError(absl::StrCat("dispatchMode: unknown run mode '", l.dispatch_mode,
                                                   "' (expected active, drain or paused)"));
  }
  ORCH_RETURN_IF_ERROR(f.String("dispatchNote", &l.dispatch_note));
  ORCH_RETURN_IF_ERROR(f.Integer("maxConcurrency", &l.max_concurrency, &l.has_max_concurrency));
  if (!f.Has("tasks")) return absl::InvalidArgumentError("tasks: missing");
  if (!f.At("tasks").is_array()) return WrongType("tasks", f.At("tasks"), "an array of tasks");
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < f.At("tasks").size(); ++i) {
    const std::string path = absl::StrCat("tasks[", i, "]");
    ORCH_ASSIGN_OR_RETURN(Task t, ParseTask(f.At("tasks")[i], path));
    if (auto [it, added] = seen.emplace(t.id, i); !added) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".id: '", t.id, "' is also the id of tasks[", it->second, "]"));
    }
    l.tasks.push_back(std::move(t));
  }
  ORCH_RETURN_IF_ERROR(AnyArray(f, "routineRuns", &l.routine_runs));
  ORCH_RETURN_IF_ERROR(AnyArray(f, "misalignmentEvents", &l.misalignment_events));
  for (auto& kept : f.Rest()) {
    if (!kept.second.is_null()) l.unknown.push_back(std::move(kept));
  }
  return l;
}

}  // namespace

const std::vector<std::string>& PredecessorStatuses() {
  static const auto* s = new std::vector<std::string>{"pending-setup",
                                                      "active",
                                                      "completed-unreviewed",
                                                      "stale-needs-inspection",
                                                      "blocked",
                                                      "rejected",
                                                      "merged",
                                                      "cleanup-needed",
                                                      "cleaned",
                                                      "abandoned"};
  return *s;
}

bool IsPredecessorStatus(absl::string_view status) {
  const auto& all = PredecessorStatuses();
  return std::find(all.begin(), all.end(), status) != all.end();
}

absl::StatusOr<Ledger> ParseLedger(absl::string_view text, const std::string& name) {
  ORCH_ASSIGN_OR_RETURN(json doc, ParseJsonText(text, name, 0, name));
  auto ledger = Parse(doc, name);
  if (!ledger.ok()) return InFile(ledger.status(), name);
  // Origins name the file, as messages do.
  for (Task& t : ledger->tasks) {
    t.origin = absl::StrCat(name, ": ", t.origin);
    for (Entry& e : t.history) e.origin = absl::StrCat(name, ": ", e.origin);
  }
  return ledger;
}

}  // namespace orch::importer

#include "tests/projections/predecessor_contract.h"

#include <algorithm>

namespace orch::testing {

namespace {

using nlohmann::json;

// What a key must hold.
enum class Kind {
  kString,
  kInteger,
  kStrings,     // array of strings
  kAnyArray,    // array of anything
  kAnyObject,   // object of anything
  kStringMap,   // object of string -> string (lastObservation)
  kStringMaps,  // array of objects of string -> string (history)
  kWriteSet,    // object of string -> array of strings or null
  kTable,       // object with the keys of `table`
  kTasks,       // array of Task
};

struct Field {
  const char* key;
  Kind kind;
  bool required;
  const std::vector<Field>* table;  // for kTable
};

// The tables of predecessor-ledger.md, key by key.
const std::vector<Field>& BudgetTable() {
  static const auto* t = new std::vector<Field>{
      {"maxRuntimeMinutes", Kind::kInteger, false, nullptr},
      {"reviewBudgetMinutes", Kind::kInteger, false, nullptr},
      {"note", Kind::kString, false, nullptr},
  };
  return *t;
}

const std::vector<Field>& ConstraintStackTable() {
  static const auto* t = new std::vector<Field>{
      {"userInstruction", Kind::kString, false, nullptr},
      {"constraints", Kind::kStrings, false, nullptr},
      {"allowedPaths", Kind::kStrings, false, nullptr},
      {"forbiddenPaths", Kind::kStrings, false, nullptr},
      {"requiredGates", Kind::kStrings, false, nullptr},
      {"evidenceBoundary", Kind::kString, false, nullptr},
      {"authority", Kind::kStrings, false, nullptr},
      {"packageId", Kind::kString, false, nullptr},
      {"packageSwitchReason", Kind::kString, false, nullptr},
  };
  return *t;
}

const std::vector<Field>& TaskTable() {
  static const auto* t = new std::vector<Field>{
      {"id", Kind::kString, true, nullptr},
      {"status", Kind::kString, true, nullptr},
      {"title", Kind::kString, false, nullptr},
      {"packageId", Kind::kString, false, nullptr},
      {"threadId", Kind::kString, false, nullptr},
      {"pendingWorktreeId", Kind::kString, false, nullptr},
      {"worktree", Kind::kString, false, nullptr},
      {"branch", Kind::kString, false, nullptr},
      {"baseCommit", Kind::kString, false, nullptr},
      {"budget", Kind::kTable, false, &BudgetTable()},
      {"writeSet", Kind::kWriteSet, false, nullptr},
      {"gates", Kind::kStrings, false, nullptr},
      {"evidence", Kind::kAnyObject, false, nullptr},
      {"constraintStack", Kind::kTable, false, &ConstraintStackTable()},
      {"lastObservation", Kind::kStringMap, false, nullptr},
      {"history", Kind::kStringMaps, false, nullptr},
  };
  return *t;
}

const std::vector<Field>& TopTable() {
  static const auto* t = new std::vector<Field>{
      {"version", Kind::kInteger, true, nullptr},
      {"projectRoot", Kind::kString, false, nullptr},
      {"defaultBranch", Kind::kString, false, nullptr},
      {"remote", Kind::kString, false, nullptr},
      {"pushPolicy", Kind::kString, false, nullptr},
      {"createdAt", Kind::kString, false, nullptr},
      {"updatedAt", Kind::kString, false, nullptr},
      {"dispatchMode", Kind::kString, false, nullptr},
      {"dispatchNote", Kind::kString, false, nullptr},
      {"maxConcurrency", Kind::kInteger, false, nullptr},
      {"tasks", Kind::kTasks, true, nullptr},
      {"routineRuns", Kind::kAnyArray, false, nullptr},
      {"misalignmentEvents", Kind::kAnyArray, false, nullptr},
  };
  return *t;
}

// The JSON type of `v` in the words of Go's errors.
std::string TypeName(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "bool";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

bool Known(const std::vector<std::string>& values, const json& v) {
  return v.is_string() && std::find(values.begin(), values.end(), v.get<std::string>()) != values.end();
}

class Checker {
 public:
  std::vector<std::string> errors;

  void Table(const json& obj, const std::vector<Field>& table, const std::string& path) {
    if (!obj.is_object()) return Bad(path, obj, "an object");
    for (const Field& f : table) {
      const std::string at = path.empty() ? f.key : path + "." + f.key;
      if (!obj.contains(f.key)) {
        if (f.required) errors.push_back(at + ": missing");
        continue;
      }
      Value(obj[f.key], f, at);
    }
  }

 private:
  void Bad(const std::string& path, const json& v, const char* expected) {
    errors.push_back(path + ": " + TypeName(v) + " where " + expected + " belongs");
  }

  void Strings(const json& v, const std::string& path) {
    if (!v.is_array()) return Bad(path, v, "an array of strings");
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) Bad(path + "[" + std::to_string(i) + "]", v[i], "a string");
    }
  }

  void StringMap(const json& v, const std::string& path) {
    if (!v.is_object()) return Bad(path, v, "an object of strings");
    for (const auto& [key, value] : v.items()) {
      if (!value.is_string()) Bad(path + "." + key, value, "a string");
    }
  }

  void Value(const json& v, const Field& f, const std::string& path) {
    switch (f.kind) {
      case Kind::kString:
        if (!v.is_string()) Bad(path, v, "a string");
        return;
      case Kind::kInteger:
        // Go's int takes an integer literal only: 3.0 and "3" both fail.
        if (!v.is_number_integer()) Bad(path, v, "an integer");
        return;
      case Kind::kStrings:
        return Strings(v, path);
      case Kind::kAnyArray:
        if (!v.is_array()) Bad(path, v, "an array");
        return;
      case Kind::kAnyObject:
        if (!v.is_object()) Bad(path, v, "an object");
        return;
      case Kind::kStringMap:
        return StringMap(v, path);
      case Kind::kStringMaps:
        if (!v.is_array()) return Bad(path, v, "an array of objects");
        for (size_t i = 0; i < v.size(); ++i) StringMap(v[i], path + "[" + std::to_string(i) + "]");
        return;
      case Kind::kWriteSet:
        if (!v.is_object()) return Bad(path, v, "an object of string arrays");
        for (const auto& [key, value] : v.items()) {
          if (!value.is_null()) Strings(value, path + "." + key);  // a null array is accepted
        }
        return;
      case Kind::kTable:
        return Table(v, *f.table, path);
      case Kind::kTasks:
        if (!v.is_array()) return Bad(path, v, "an array of tasks");
        for (size_t i = 0; i < v.size(); ++i) {
          const std::string at = path + "[" + std::to_string(i) + "]";
          Table(v[i], TaskTable(), at);
          if (v[i].is_object() && v[i].contains("status") && !Known(PredecessorStatuses(), v[i]["status"])) {
            errors.push_back(at + ".status: " + v[i]["status"].dump() +
                             " is not a status the predecessor knows");
          }
          if (!v[i].is_object() || !v[i].contains("history") || !v[i]["history"].is_array()) continue;
          const json& history = v[i]["history"];
          for (size_t h = 0; h < history.size(); ++h) {
            if (history[h].is_object() && history[h].contains("status") &&
                !Known(PredecessorStatuses(), history[h]["status"])) {
              errors.push_back(at + ".history[" + std::to_string(h) + "].status: " +
                               history[h]["status"].dump() + " is not a status the predecessor knows");
            }
          }
        }
        return;
    }
  }
};

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

const std::vector<std::string>& PredecessorDispatchModes() {
  static const auto* s = new std::vector<std::string>{"active", "drain", "paused"};
  return *s;
}

std::vector<std::string> ContractViolations(const json& ledger) {
  Checker c;
  c.Table(ledger, TopTable(), "");
  if (ledger.is_object() && ledger.contains("dispatchMode") &&
      !Known(PredecessorDispatchModes(), ledger["dispatchMode"])) {
    c.errors.push_back("dispatchMode: " + ledger["dispatchMode"].dump() +
                       " is not a run mode the predecessor knows");
  }
  return c.errors;
}

}  // namespace orch::testing

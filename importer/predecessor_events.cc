// events.jsonl of codex-orchestrator: one flat object of strings a line.
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

// The run modes a `run-mode` line may set.
bool IsRunMode(const std::string& s) { return s == "active" || s == "drain" || s == "paused"; }

absl::StatusOr<Entry> ParseLine(const json& v, const std::string& where) {
  if (!v.is_object()) return WrongType(where, v, "an object");
  Entry e;
  e.origin = where;
  ORCH_RETURN_IF_ERROR(ReadEntryFields(
      v, [&where](const std::string& key) { return absl::StrCat(where, ": \"", key, "\""); },
      /*task_key=*/true, &e));
  if (!v.contains("at"))
    return absl::InvalidArgumentError(absl::StrCat(where, ": no \"at\": an event needs its time"));
  if (e.type.empty()) return absl::InvalidArgumentError(absl::StrCat(where, ": no \"type\""));
  if (!e.task.empty()) {
    if (absl::Status s = CheckTaskId(e.task); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": \"taskId\": ", s.message()));
    }
  }
  if (e.type == "run-mode" && !IsRunMode(e.status)) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": \"status\": unknown run mode '", e.status,
                                                   "' (expected active, drain or paused)"));
  }
  if (!e.task.empty() && !e.status.empty() && !IsPredecessorStatus(e.status)) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": \"status\": unknown status '", e.status,
                                                   "' (codex-orchestrator uses ",
                                                   absl::StrJoin(PredecessorStatuses(), ", "), ")"));
  }
  return e;
}

}  // namespace

absl::StatusOr<std::vector<Entry>> ParseEvents(absl::string_view text, const std::string& name) {
  std::vector<Entry> out;
  int line = 0;
  for (absl::string_view rest = text; !rest.empty();) {
    const size_t end = rest.find('\n');
    absl::string_view l = rest.substr(0, end);
    rest = end == absl::string_view::npos ? absl::string_view() : rest.substr(end + 1);
    ++line;
    if (l.find_first_not_of(" \t\r") == absl::string_view::npos) continue;
    const std::string where = absl::StrCat(name, " line ", line);
    ORCH_ASSIGN_OR_RETURN(json v, ParseJsonText(l, name, line - 1, where));
    ORCH_ASSIGN_OR_RETURN(Entry e, ParseLine(v, where));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace orch::importer

#include "importer/entry_fields.h"

#include "base/status_macros.h"
#include "importer/json_text.h"

namespace orch::importer {

absl::Status ReadEntryFields(const nlohmann::json& v, const FieldName& name, bool task_key, Entry* e) {
  for (const auto& [key, value] : v.items()) {
    if (!value.is_string()) return WrongType(name(key), value, "a string");
    const std::string& s = value.get_ref<const std::string&>();
    if (key == "at") {
      ORCH_ASSIGN_OR_RETURN(e->at, TimeAt(name(key), s));
    } else if (key == "type") {
      e->type = s;
    } else if (key == "status") {
      e->status = s;
    } else if (task_key && key == "taskId") {
      e->task = s;
    } else if (key == "note") {
      e->note = s;
    } else {
      e->extras.emplace_back(key, s);
    }
  }
  return absl::OkStatus();
}

}  // namespace orch::importer

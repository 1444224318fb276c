// The string fields of one history entry (ledger.json) or one line
// (events.jsonl): both files write an event as a flat object of strings,
// read here once. Internal to importer/.
#ifndef ORCH_IMPORTER_ENTRY_FIELDS_H_
#define ORCH_IMPORTER_ENTRY_FIELDS_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "importer/predecessor.h"
#include "nlohmann/json.hpp"

namespace orch::importer {

// How an error names the value of `key` ("tasks[0].history[1].at", or
// "events.jsonl:3: \"at\"").
using FieldName = std::function<std::string(const std::string& key)>;

// Fills `e` from the object `v` (an object: the caller checked), whose
// every value must be a string: at (RFC3339), type, status, note, and
// taskId when `task_key`; every other key is kept in e->extras.
// InvalidArgument, naming the value with `name`, for a value that is not a
// string or a time that is not RFC3339.
absl::Status ReadEntryFields(const nlohmann::json& v, const FieldName& name, bool task_key, Entry* e);

}  // namespace orch::importer

#endif  // ORCH_IMPORTER_ENTRY_FIELDS_H_

// One spelling per field on the command line. The schema decides a
// field's flag and the other spellings it accepts (PayloadField::flag and
// flag_aliases, schema/event_schema.cc); `orch emit TYPE` and every verb
// that records a field register it through CliNames, so `orch dispatch
// --package` and `orch emit dispatched --package` are one flag, and each
// command still takes the other spelling (`--package-id`) for old scripts.
// --help shows the preferred spelling alone (OneSpellingFormatter).
#ifndef ORCH_COMMANDS_FLAG_NAMES_H_
#define ORCH_COMMANDS_FLAG_NAMES_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/string_view.h"
#include "schema/event_schema.h"

namespace orch {

// "--package,--package-id": CLI11's names for field `f`, the preferred first.
std::string CliNames(const PayloadField& f);

// The same for field `field` (snake_case) of event `type`, for a verb that
// records it. The field must be in the schema: a verb naming one that is
// not is a defect, and gets "--" + the kebab of `field` so it still runs.
std::string CliNames(const EventSchema& schema, EventType type, absl::string_view field);

// A CLI11 help formatter that names an option by its first long name (and
// its short ones), leaving the aliases out of --help.
class OneSpellingFormatter : public CLI::Formatter {
 public:
  std::string make_option_name(const CLI::Option* opt, bool is_positional) const override;
};

}  // namespace orch

#endif  // ORCH_COMMANDS_FLAG_NAMES_H_

// One Register function per verb; each lives in its own file under commands/.
#ifndef ORCH_COMMANDS_VERBS_H_
#define ORCH_COMMANDS_VERBS_H_

#include "CLI/CLI.hpp"
#include "commands/command_context.h"

namespace orch {

void RegisterInit(CLI::App& app, CommandContext& ctx);
void RegisterEmit(CLI::App& app, CommandContext& ctx);
void RegisterReplay(CLI::App& app, CommandContext& ctx);
void RegisterVerify(CLI::App& app, CommandContext& ctx);

// CLI11 reports `orch emit nope --task T1` as unexpected arguments; this
// names the unknown type instead. Call before parsing.
absl::Status CheckEmitType(const std::vector<std::string>& args, const EventSchema& schema);

}  // namespace orch

#endif  // ORCH_COMMANDS_VERBS_H_

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
void RegisterStatus(CLI::App& app, CommandContext& ctx);   // status.cc
void RegisterLedger(CLI::App& app, CommandContext& ctx);   // ledger.cc
void RegisterExport(CLI::App& app, CommandContext& ctx);   // export.cc
void RegisterInspect(CLI::App& app, CommandContext& ctx);  // inspect.cc
void RegisterObserve(CLI::App& app, CommandContext& ctx);  // observe.cc

// Exit code of `orch inspect` when the unit is not reviewable (docs/git.md).
inline constexpr int kExitNotReviewable = 5;
// A repository that cannot be used (no commits yet) is bad input (exit 2).
absl::Status RepoInputError(const absl::Status& status);
// `orch emit committed|merged|pushed --from-git`: fills the payload's commit
// ids and files from the repository (emit_from_git.cc).
absl::Status FillFromGit(CommandContext& ctx, EventContent* content);

// Every argument must be valid UTF-8 (what reaches an event is JSON text):
// InvalidArgument names the flag the bad value belongs to and the byte
// offset in it. Call before parsing.
absl::Status CheckArgumentsUtf8(const std::vector<std::string>& args);

// CLI11 reports `orch emit nope --task T1` as unexpected arguments; this
// names the unknown type instead. Call before parsing.
absl::Status CheckEmitType(const std::vector<std::string>& args, const EventSchema& schema);

}  // namespace orch

#endif  // ORCH_COMMANDS_VERBS_H_

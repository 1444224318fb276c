// One Register function per verb; each lives in its own file under commands/.
#ifndef ORCH_COMMANDS_VERBS_H_
#define ORCH_COMMANDS_VERBS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "commands/command_context.h"
#include "eventstore/verify_report.h"
#include "git/repo_snapshot.h"

namespace orch {

void RegisterInit(CLI::App& app, CommandContext& ctx);
void RegisterEmit(CLI::App& app, CommandContext& ctx);
void RegisterReplay(CLI::App& app, CommandContext& ctx);
void RegisterVerify(CLI::App& app, CommandContext& ctx);
void RegisterStatus(CLI::App& app, CommandContext& ctx);        // status.cc
void RegisterLedger(CLI::App& app, CommandContext& ctx);        // ledger.cc
void RegisterExport(CLI::App& app, CommandContext& ctx);        // export.cc
void RegisterInspect(CLI::App& app, CommandContext& ctx);       // inspect.cc
void RegisterObserve(CLI::App& app, CommandContext& ctx);       // observe.cc
void RegisterAnchor(CLI::App& app, CommandContext& ctx);        // anchor.cc
void RegisterRecover(CLI::App& app, CommandContext& ctx);       // recover.cc
void RegisterImport(CLI::App& app, CommandContext& ctx);        // import.cc
void RegisterWatch(CLI::App& app, CommandContext& ctx);         // watch.cc
void RegisterNext(CLI::App& app, CommandContext& ctx);          // next.cc
void RegisterHealth(CLI::App& app, CommandContext& ctx);        // health.cc
void RegisterContext(CLI::App& app, CommandContext& ctx);       // context.cc
void RegisterDispatch(CLI::App& app, CommandContext& ctx);      // dispatch.cc
void RegisterLane(CLI::App& app, CommandContext& ctx);          // lane.cc
void RegisterReview(CLI::App& app, CommandContext& ctx);        // review.cc, review_import.cc
void RegisterPack(CLI::App& app, CommandContext& ctx);          // pack.cc
void RegisterLintEvidence(CLI::App& app, CommandContext& ctx);  // lint_evidence.cc
void RegisterMirror(CLI::App& app, CommandContext& ctx);        // mirror.cc
void RegisterServe(CLI::App& app, CommandContext& ctx);         // serve.cc

// The frame of a verb: the sub-command `name` of `app`, its options
// (`*options`, made here and shared with the callback) and the callback
// that runs `run` into ctx.result after parsing. Flags the verb does not
// know fall through to `app` (--store after the verb). The caller adds the
// verb's flags and footer to the returned sub-command.
template <typename Options>
CLI::App* AddVerb(CLI::App& app, const std::string& name, const std::string& help, CommandContext& ctx,
                  absl::Status (*run)(const Options&, CommandContext&), std::shared_ptr<Options>* options) {
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(name, help);
  sub->fallthrough();
  sub->callback([o, &ctx, run]() { ctx.result = run(*o, ctx); });
  *options = o;
  return sub;
}

// The file in the store directory where `orch watch` notes its last
// recording pass and `orch health` reads it (not part of the log).
inline constexpr char kWatchdogRunFile[] = "watchdog-last-run.json";

// Exit code of `orch inspect` when the unit is not reviewable (docs/git.md).
inline constexpr int kExitNotReviewable = 5;
// A repository that cannot be used (no commits yet) is bad input (exit 2).
absl::Status RepoInputError(const absl::Status& status);
// `orch emit committed|merged|pushed --from-git`: fills the payload's commit
// ids and files from the repository (emit_from_git.cc).
absl::Status FillFromGit(CommandContext& ctx, EventContent* content);
// `orch emit dispatched` without --base-commit: records the head of the
// integration branch now (what the worker's branch should start from).
// When the repository cannot say, warns on stderr and records none.
void FillDefaultBaseCommit(CommandContext& ctx, EventContent* content);
// The project's repository for `store`: `repo_flag` if given, else the
// recorded project root, else the repository around the verb's working
// directory (the client's, when a server runs the verb). Errors as
// RepoInputError gives them.
absl::StatusOr<git::ProjectRepo> OpenProjectRepoFor(const CommandContext& ctx, const EventStore& store,
                                                    const std::string& repo_flag);

// The store directory relative to the checkout at `root` (".orch/"), when
// inside it: the log's own files are not dirt in the integration checkout.
std::vector<std::string> StoreInsideCheckout(const CommandContext& ctx, const std::string& root);

// Every argument must be valid UTF-8 (what reaches an event is JSON text):
// InvalidArgument names the flag the bad value belongs to and the byte
// offset in it. Call before parsing.
absl::Status CheckArgumentsUtf8(const std::vector<std::string>& args);

// Where the verb is in a command line (without the program name): the
// first argument that is neither a global option nor the value of
// --store, so `orch --store emit replay` is a replay of the store named
// "emit". nullopt when there is none (`orch --help`).
std::optional<size_t> VerbIndex(const std::vector<std::string>& args);

// CLI11 reports `orch emit nope --task T1` as unexpected arguments; this
// names the unknown type instead (and a verb given as a type, `orch emit
// replay`, as a verb). `verbs`: the registered verbs. Call before parsing.
absl::Status CheckEmitType(const std::vector<std::string>& args, const EventSchema& schema,
                           const std::vector<std::string>& verbs);

}  // namespace orch

#endif  // ORCH_COMMANDS_VERBS_H_

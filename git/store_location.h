// Where the store is: the one rule, shared by the command line
// (commands/store_location.cc) and the front `orch`'s emit client
// (server/client.cc), so both always name the same store; and the
// repository around a directory, found from the files git writes. The
// small orch_git_files library: no libgit2 (whose initialisation loads the
// system CA bundle, about a third of a short `orch emit`), no store, so
// the front program, started at every emit, links only this of git/.
#ifndef ORCH_GIT_STORE_LOCATION_H_
#define ORCH_GIT_STORE_LOCATION_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace orch {

namespace git {

// The top level of the main worktree of the repository around `start`
// (searching upwards) for the two layouts git itself creates: a `.git`
// directory, and a linked worktree's `.git` file whose gitdir has a
// `commondir`. nullopt when these files cannot tell: no repository found,
// GIT_DIR or GIT_COMMON_DIR set, or another layout (a bare repository, a
// submodule's gitdir); libgit2 decides those (main_top_level.h).
std::optional<std::string> MainTopLevelFromFiles(const std::string& start);

}  // namespace git

// Finds the top level of the main worktree of the repository around a
// directory; NotFound when there is none. The command line passes
// git::FindMainTopLevel (libgit2 for the layouts the files cannot tell);
// the front passes one that reads only the files (MainTopLevelFromFiles)
// and runs the command line when they cannot tell.
using TopLevelFinder = absl::StatusOr<std::string> (*)(const std::string& start);

// --store (`flag`, empty when not given), else $ORCH_STORE (`variable`,
// nullptr or empty when unset), else `.orch` at the top level `find_top`
// finds for `working_dir`. A relative flag or variable is returned as
// given: the caller resolves it against its own working directory.
// FailedPrecondition (saying what to pass) when `find_top` returns
// NotFound; its other errors unchanged.
absl::StatusOr<std::string> LocateStore(const std::string& flag, const char* variable,
                                        const std::string& working_dir, TopLevelFinder find_top);

}  // namespace orch

#endif  // ORCH_GIT_STORE_LOCATION_H_

// Where the store is: the one rule, shared by the command line
// (commands/store_location.cc) and the front `orch`'s emit client
// (server/client.cc), so both always name the same store. Part of the
// small orch_git_files library: no libgit2, no store.
#ifndef ORCH_GIT_STORE_LOCATION_H_
#define ORCH_GIT_STORE_LOCATION_H_

#include <string>

#include "absl/status/statusor.h"

namespace orch {

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

// The main worktree's top level found by reading the files git writes,
// without libgit2: the part of git::FindMainTopLevel (main_top_level.h)
// the front `orch` can run. It is its own library (orch_git_files, no
// libgit2, no store) because the front program starts at every emit and
// libgit2's initialisation loads the system CA bundle, about a third of a
// short `orch emit`.
#ifndef ORCH_GIT_TOP_LEVEL_FILES_H_
#define ORCH_GIT_TOP_LEVEL_FILES_H_

#include <optional>
#include <string>

namespace orch::git {

// The top level of the main worktree of the repository around `start`
// (searching upwards) for the two layouts git itself creates: a `.git`
// directory, and a linked worktree's `.git` file whose gitdir has a
// `commondir`. nullopt when these files cannot tell: no repository found,
// GIT_DIR or GIT_COMMON_DIR set, or another layout (a bare repository, a
// submodule's gitdir); libgit2 decides those.
std::optional<std::string> MainTopLevelFromFiles(const std::string& start);

}  // namespace orch::git

#endif  // ORCH_GIT_TOP_LEVEL_FILES_H_

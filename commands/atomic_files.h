// orch export's directory writer: a directory of files replaced as one set,
// so a reader (or a crash, or a kill) sees the old set or the new, never a
// mix, and so nobody else's links are followed. One file alone is written
// by WriteFileAtomically (eventstore/atomic_file.h), on the same pieces.
//
// The writer creates its temporary directory beside the target exclusively
// under a random name (mkdir), holds an flock on it while it works, fsyncs
// every file and the directory, exchanges it with the target, and fsyncs
// the parent after the exchange. A writer that is killed leaves its
// temporary directory behind, unlocked: the next writer to the same target
// removes such leftovers (a live writer's entry is locked and left alone).
// Every file operation goes through the Env (eventstore/env.h), so the
// fault-injecting Env reaches it.
//
// Thread safety: no shared state; two processes may write the same target
// at once (the last exchange wins, whole).
#ifndef ORCH_COMMANDS_ATOMIC_FILES_H_
#define ORCH_COMMANDS_ATOMIC_FILES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "eventstore/env.h"

namespace orch {

// The file a directory written by ReplaceDirectoryAtomically holds besides
// its files: it says the directory belongs to orch export and lists them.
inline constexpr char kOwnedDirMarker[] = ".orch-export";

struct NamedContent {
  std::string name;  // a plain file name: no '/', not "." or "..", not kOwnedDirMarker
  std::string content;
};

// Makes `dir` a directory holding exactly `files` and kOwnedDirMarker, as one
// step: the set is built in a fresh sibling directory, which is then
// exchanged with `dir` (renameat2 RENAME_EXCHANGE) or renamed to it when
// `dir` is absent; the old directory is then removed. Parent directories are
// created as needed.
//
// `dir` must belong to the writer: absent, empty, or holding only regular
// files listed by a kOwnedDirMarker in it or named as files of the new set
// (a directory an export wrote before the marker existed). Else
// InvalidArgument names the foreign entries (or says `dir` is a symbolic
// link or not a directory) and nothing is changed. Also InvalidArgument when
// the file system cannot exchange directories atomically; else the Env's
// codes (env.h: NotFound for a parent path that is not a directory,
// FailedPrecondition when not allowed, ResourceExhausted "disk full: ...",
// Unavailable for other I/O errors). On any error `dir` holds the old set
// and no temporary entry of this writer is left.
// WARNING: `dir` is replaced by a new directory (a new inode): a process
// whose working directory is `dir` keeps seeing the old one.
absl::Status ReplaceDirectoryAtomically(Env& env, const std::string& dir,
                                        const std::vector<NamedContent>& files);

}  // namespace orch

#endif  // ORCH_COMMANDS_ATOMIC_FILES_H_

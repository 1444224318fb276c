// Putting files on disk so a reader (or a crash, or a kill) sees the old
// content or the new, never a mix, and so nobody else's links are followed.
//
// Both writers create their temporary file or directory exclusively under a
// random name (O_CREAT|O_EXCL|O_NOFOLLOW, mkdir), hold an flock on it while
// they work, fsync what they wrote, rename, and fsync the directory after the
// rename. A writer that is killed leaves its temporary entry behind,
// unlocked: the next writer to the same target removes such leftovers (a
// live writer's entry is locked and left alone).
//
// Thread safety: the functions share no state; two processes may write the
// same target at once (the last rename wins, whole).
#ifndef ORCH_COMMANDS_ATOMIC_FILES_H_
#define ORCH_COMMANDS_ATOMIC_FILES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace orch {

// The file a directory written by ReplaceDirectoryAtomically holds besides
// its files: it says the directory belongs to orch export and lists them.
inline constexpr char kOwnedDirMarker[] = ".orch-export";

// Writes `content` to `path` atomically. A symbolic link at `path` is
// replaced by the file, never written through. The directory of `path` must
// exist. Status: InvalidArgument (missing directory, no permission, `path`
// is a directory), ResourceExhausted (disk full), Internal (other I/O).
absl::Status WriteFileAtomically(const std::string& path, absl::string_view content);

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
// the file system cannot exchange directories atomically; ResourceExhausted
// when the disk is full; Internal for other I/O errors.
// WARNING: `dir` is replaced by a new directory (a new inode): a process
// whose working directory is `dir` keeps seeing the old one.
absl::Status ReplaceDirectoryAtomically(const std::string& dir, const std::vector<NamedContent>& files);

}  // namespace orch

#endif  // ORCH_COMMANDS_ATOMIC_FILES_H_

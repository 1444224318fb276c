// Putting one file, or one directory of files, on disk so a reader, a
// crash or a kill sees the old content or the new, never a mix, and so no
// planted link is followed. The one implementation for the store
// (checkpoints, recovery copies) and the exports (`status --out`, `ledger
// --out`, and `orch export --dir`'s directory, atomic_dir.cc, built on the
// same pieces).
//
// A writer creates its temporary entry beside the target exclusively under
// a random name (TempName: O_CREAT|O_EXCL|O_NOFOLLOW, or mkdir), holds an
// flock on it while it works (Env::TryLockEntry), syncs what it wrote,
// renames, and syncs the directory after the rename. A writer that is
// killed leaves its temporary entry behind, unlocked: the next writer to the
// same target removes such leftovers (RemoveLeftovers), a live writer's
// entry is locked and left alone.
//
// Every file operation goes through the Env, so a fault injected there
// (fault_injection_env.h) reaches these writers. Thread safety: no shared
// state; two processes may write the same target at once (the last rename
// or exchange wins, whole).
#ifndef ORCH_EVENTSTORE_ATOMIC_FILE_H_
#define ORCH_EVENTSTORE_ATOMIC_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "eventstore/env.h"

namespace orch {

// The directory and the last name of `path` ("a/b" -> "a", "b"; "b" ->
// ".", "b"; "out/" -> ".", "out"). InvalidArgument when `path` names no
// file ("", ".", "..", "/").
absl::Status SplitPath(const std::string& path, std::string* dir, std::string* name);

// ".NAME.orch-tmp-": what every temporary entry for the target NAME starts
// with.
std::string TempPrefix(absl::string_view name);

// TempPrefix(name) and 16 random hex digits.
std::string TempName(absl::string_view name);

// Removes the entries of `dir` starting with `prefix` that are this user's,
// are regular files or directories (a link is left: it is no leftover of
// ours) and that no live writer holds locked. Failures are left for the
// next writer; nothing is reported.
void RemoveLeftovers(Env& env, const std::string& dir, const std::string& prefix);

// Writes `content` to `path` atomically and durably: leftovers of killed
// writers to `path` are removed, then a temporary file beside it (created
// with `mode`; `umask_applies` as in WritableFileOptions) is written,
// fsynced, renamed over `path` and the directory synced. A symbolic link at
// `path` is replaced by the file, never written through. On error the
// temporary file is removed and `path` is as it was. Status: as the Env's
// file operations (env.h); InvalidArgument when `path` names no file.
absl::Status WriteFileAtomically(Env& env, const std::string& path, absl::string_view content,
                                 uint32_t mode = 0600, bool umask_applies = false);

// --- A directory of files replaced as one set (orch export --dir): the
// set is written into a fresh locked directory beside the target, every
// file fsynced and then the directory, exchanged with the target, and the
// parent fsynced after the exchange. A killed writer's temporary directory
// is removed by the next writer to the same target, as for files.

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

#endif  // ORCH_EVENTSTORE_ATOMIC_FILE_H_

// Putting one file on disk so a reader, a crash or a kill sees the old
// content or the new, never a mix, and so no planted link is followed. The
// one implementation for the store (checkpoints, recovery copies) and the
// exports (`status --out`, `ledger --out`); commands/atomic_files.h builds
// the directory writer of `orch export --dir` on the same pieces.
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
// wins, whole).
#ifndef ORCH_EVENTSTORE_ATOMIC_FILE_H_
#define ORCH_EVENTSTORE_ATOMIC_FILE_H_

#include <cstdint>
#include <string>

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

}  // namespace orch

#endif  // ORCH_EVENTSTORE_ATOMIC_FILE_H_

// orch export --dir: a directory of files replaced as one set
// (atomic_file.h).
#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "eventstore/atomic_file.h"

namespace orch {

namespace {

using Kind = EntryInfo::Kind;

std::string Join(const std::string& dir, const std::string& name) { return absl::StrCat(dir, "/", name); }

// Creates `dir` and its missing parents (0755), each creation made durable
// in its parent.
absl::Status CreateDirectories(Env& env, const std::string& dir) {
  if (env.StatEntry(dir).ok()) return absl::OkStatus();
  std::string parent, name;
  if (SplitPath(dir, &parent, &name).ok() && parent != dir) {
    ORCH_RETURN_IF_ERROR(CreateDirectories(env, parent));
  }
  absl::Status made = env.CreateDir(dir, 0755);
  if (absl::IsAlreadyExists(made)) return absl::OkStatus();
  ORCH_RETURN_IF_ERROR(made);
  return env.SyncDir(parent);
}

// Writes one file of a set into the fresh directory `dir`, synced.
absl::Status WriteNewFile(Env& env, const std::string& dir, const std::string& name,
                          absl::string_view content) {
  WritableFileOptions options;
  options.mode = 0644;
  options.exclusive = true;
  options.umask_applies = true;
  ORCH_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env.NewWritableFile(Join(dir, name), options));
  absl::Status s = file->Append(content);
  if (s.ok()) s = file->Fsync();
  if (absl::Status c = file->Close(); s.ok()) s = c;
  return s;
}

enum class Target { kAbsent, kOwned };

// Is the entry at `path` ours to replace (see the header)? `shown`: the
// directory as the user gave it.
absl::StatusOr<Target> CheckTarget(Env& env, const std::string& path, const std::string& shown,
                                   const std::vector<NamedContent>& files) {
  auto info = env.StatEntry(path);
  if (absl::IsNotFound(info.status())) return Target::kAbsent;
  if (!info.ok()) return info.status();
  if (info->kind == Kind::kSymlink) {
    return absl::InvalidArgumentError(absl::StrCat(
        shown, " is a symbolic link: export replaces a directory of its own and follows no link"));
  }
  if (info->kind != Kind::kDirectory)
    return absl::InvalidArgumentError(absl::StrCat(shown, " is not a directory"));
  ORCH_ASSIGN_OR_RETURN(std::vector<std::string> entries, env.ListDir(path));
  if (entries.empty()) return Target::kOwned;
  std::sort(entries.begin(), entries.end());
  std::set<std::string> ours = {kOwnedDirMarker};
  for (const NamedContent& f : files) ours.insert(f.name);
  const bool marked = std::find(entries.begin(), entries.end(), kOwnedDirMarker) != entries.end();
  if (marked) {
    // The marker lists what an earlier export wrote (a newer one may write
    // other files). Read without following a link or waiting on a FIFO.
    auto listed = env.ReadFileNoFollow(Join(path, kOwnedDirMarker), 1 << 16);
    if (listed.ok()) {
      for (absl::string_view line : absl::StrSplit(*listed, '\n')) {
        if (!line.empty() && line[0] != '#') ours.insert(std::string(line));
      }
    }
  }
  // Without a marker, only files named as the new set are taken: what an
  // export wrote before the marker existed (it overwrote them by name, too).
  std::vector<std::string> foreign;
  for (const std::string& e : entries) {
    auto entry = env.StatEntry(Join(path, e));
    const bool regular = entry.ok() && entry->kind == Kind::kRegular;
    const bool directory = entry.ok() && entry->kind == Kind::kDirectory;
    if (!regular || ours.count(e) == 0) {
      foreign.push_back(regular ? e : absl::StrCat(e, directory ? "/" : " (not a regular file)"));
    }
  }
  if (foreign.empty()) return Target::kOwned;
  constexpr size_t kShown = 5;
  const size_t more = foreign.size() > kShown ? foreign.size() - kShown : 0;
  foreign.resize(std::min(foreign.size(), kShown));
  return absl::InvalidArgumentError(
      absl::StrCat(shown, " holds entries orch export did not write: ", absl::StrJoin(foreign, ", "),
                   more > 0 ? absl::StrCat(" and ", more, " more") : "",
                   " (export replaces the whole directory: give an empty or new directory)"));
}

std::string MarkerContent(const std::vector<NamedContent>& files) {
  std::string out =
      "# Written by orch export. This directory is replaced as a whole by the next export;\n"
      "# files not listed here make it refuse.\n";
  for (const NamedContent& f : files) absl::StrAppend(&out, f.name, "\n");
  return out;
}

}  // namespace

absl::Status ReplaceDirectoryAtomically(Env& env, const std::string& dir,
                                        const std::vector<NamedContent>& files) {
  for (const NamedContent& f : files) {
    if (f.name.empty() || f.name == "." || f.name == ".." || f.name == kOwnedDirMarker ||
        f.name.find('/') != std::string::npos) {
      return absl::InternalError(absl::StrCat("bad file name '", f.name, "' in a directory set"));
    }
  }
  std::string parent, name;
  ORCH_RETURN_IF_ERROR(SplitPath(dir, &parent, &name));
  ORCH_RETURN_IF_ERROR(CreateDirectories(env, parent));
  const std::string path = Join(parent, name);
  // Refuse a foreign directory before any work, and leave nothing behind.
  ORCH_RETURN_IF_ERROR(CheckTarget(env, path, dir, files).status());
  RemoveLeftovers(env, parent, TempPrefix(name));

  std::string tmp;
  absl::Status made;
  for (int attempt = 0; attempt < 16; ++attempt) {
    tmp = Join(parent, TempName(name));
    made = env.CreateDir(tmp, 0755);
    if (!absl::IsAlreadyExists(made)) break;
  }
  ORCH_RETURN_IF_ERROR(made);
  const auto fail = [&](absl::Status s) {
    env.RemoveTree(tmp).IgnoreError();
    return s;
  };
  // Locked until this returns or the process dies: a concurrent writer's
  // leftover sweep leaves it alone.
  auto lock = env.TryLockEntry(tmp);
  if (!lock.ok()) return fail(lock.status());
  for (const NamedContent& f : files) {
    if (absl::Status s = WriteNewFile(env, tmp, f.name, f.content); !s.ok()) return fail(s);
  }
  if (absl::Status s = WriteNewFile(env, tmp, kOwnedDirMarker, MarkerContent(files)); !s.ok()) return fail(s);
  // The files' names in the new directory: without this a crash after the
  // exchange could leave it empty.
  if (absl::Status s = env.SyncDir(tmp); !s.ok()) return fail(s);

  // The swap: one rename, so the old set or the new one is at `dir`, whole.
  auto target = CheckTarget(env, path, dir, files);  // again: it may have changed meanwhile
  if (!target.ok()) return fail(target.status());
  bool exchanged = *target != Target::kAbsent;
  if (!exchanged) {
    absl::Status s = env.RenameNoReplace(tmp, path);
    if (absl::IsAlreadyExists(s)) {  // created meanwhile
      target = CheckTarget(env, path, dir, files);
      if (!target.ok()) return fail(target.status());
      exchanged = true;
    } else if (!s.ok()) {
      return fail(s);
    }
  }
  if (exchanged) {
    absl::Status s = env.ExchangeEntries(tmp, path);
    if (absl::IsUnimplemented(s)) {
      return fail(absl::InvalidArgumentError(
          absl::StrCat("the file system of ", dir,
                       " cannot exchange two directories atomically (renameat2 RENAME_EXCHANGE): "
                       "export to a directory on a local file system")));
    }
    if (!s.ok()) return fail(s);
  }
  if (absl::Status s = env.SyncDir(parent); !s.ok()) {
    // Not durable: put the old set (or no set) back, so a failed export
    // leaves what was there. The undo is no more durable, but a crash now
    // shows one whole set or the other.
    const absl::Status undo = exchanged ? env.ExchangeEntries(tmp, path) : env.RenameNoReplace(path, tmp);
    if (undo.ok()) env.RemoveTree(tmp).IgnoreError();
    return s;
  }
  // The old set now sits at the temporary name; a kill before this leaves
  // it for the next writer's sweep (it is not locked then).
  if (exchanged) env.RemoveTree(tmp).IgnoreError();
  return absl::OkStatus();
}

}  // namespace orch

#include "commands/command_context.h"

#include <git2.h>

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "schema/status_macros.h"
#include "schema/time_text.h"

namespace orch {

namespace {

// The main worktree's top level for the repository around `start`.
absl::StatusOr<std::string> GitTopLevel(const std::string& start) {
  git_libgit2_init();
  git_buf found = GIT_BUF_INIT;
  std::string result;
  absl::Status status = absl::OkStatus();
  if (git_repository_discover(&found, start.c_str(), 0, nullptr) != 0) {
    status = absl::FailedPreconditionError(
        absl::StrCat("no orch store given and ", start,
                     " is not inside a git repository: pass --store DIR or set ORCH_STORE"));
  } else {
    git_repository* repo = nullptr;
    if (git_repository_open(&repo, found.ptr) == 0) {
      // commondir is the main repository's .git even from a linked worktree.
      std::filesystem::path common(git_repository_commondir(repo));
      if (git_repository_is_bare(repo)) {
        result = common.lexically_normal().string();
      } else {
        result = common.lexically_normal().parent_path().parent_path().string();
      }
      git_repository_free(repo);
    } else {
      status = absl::FailedPreconditionError(absl::StrCat("cannot open git repository at ", found.ptr));
    }
  }
  git_buf_dispose(&found);
  git_libgit2_shutdown();
  if (!status.ok()) return status;
  return result;
}

absl::Duration LockTimeout() {
  const char* v = std::getenv("ORCH_LOCK_TIMEOUT");
  if (v == nullptr) return absl::Seconds(10);
  auto secs = ParseDurationSeconds(v);
  return secs.ok() ? absl::Seconds(*secs) : absl::Seconds(10);
}

}  // namespace

absl::StatusOr<std::string> ResolveStoreDir(const CommandContext& ctx) {
  if (!ctx.store_flag.empty()) return ctx.store_flag;
  if (const char* env = std::getenv("ORCH_STORE"); env != nullptr && *env != '\0') return std::string(env);
  std::error_code ec;
  ORCH_ASSIGN_OR_RETURN(std::string top, GitTopLevel(std::filesystem::current_path(ec).string()));
  return (std::filesystem::path(top) / ".orch").string();
}

absl::StatusOr<std::unique_ptr<EventStore>> OpenStoreForWrite(const CommandContext& ctx, bool create) {
  ORCH_ASSIGN_OR_RETURN(std::string dir, ResolveStoreDir(ctx));
  StoreOptions o;
  o.env = ctx.env;
  o.create_if_missing = create;
  o.lock_timeout = LockTimeout();
  return EventStore::Open(dir, o);
}

absl::StatusOr<std::unique_ptr<EventStore>> OpenStoreForRead(const CommandContext& ctx) {
  ORCH_ASSIGN_OR_RETURN(std::string dir, ResolveStoreDir(ctx));
  StoreOptions o;
  o.env = ctx.env;
  o.lock_timeout = absl::ZeroDuration();
  auto store = EventStore::Open(dir, o);
  if (store.ok() || !absl::IsUnavailable(store.status())) return store;
  o.follower = true;
  return EventStore::Open(dir, o);
}

int ExitCodeFor(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kOk:
      return 0;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kOutOfRange:
      return 2;
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kAlreadyExists:
      return 3;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kFailedPrecondition:
      return 4;
    default:
      return 1;
  }
}

}  // namespace orch

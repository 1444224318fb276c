#include "commands/command_context.h"

#include <cstdlib>
#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/time_text.h"
#include "eventstore/borrowed_store.h"

namespace orch {

namespace {

// Not a silent default: a value that does not parse, or waits longer than
// an hour (a writer holding the store that long is a bug to report, not to
// wait out), is bad input naming the variable. The wait is a place in the
// writers' queue (docs/cli.md), not polling.
absl::StatusOr<absl::Duration> LockTimeout(const CommandContext& ctx) {
  const char* v = GetEnv(ctx, "ORCH_LOCK_TIMEOUT");
  if (v == nullptr || *v == '\0') return StoreOptions{}.lock_timeout;
  auto d = ParseDuration(v);
  if (!d.ok() || *d > absl::Hours(1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad ORCH_LOCK_TIMEOUT '", v, "': give a duration from 0s to 1h, e.g. 10s or 2m"));
  }
  return *d;
}

StoreOptions BaseOptions(const CommandContext& ctx) {
  StoreOptions o;
  o.env = ctx.env;
  std::ostream* err = ctx.err;
  o.warn = [err](const std::string& text) { *err << "orch: warning: " << text << "\n"; };
  return o;
}

}  // namespace

const char* GetEnv(const CommandContext& ctx, const char* name) {
  if (ctx.environment == nullptr) return std::getenv(name);
  auto it = ctx.environment->find(name);
  return it == ctx.environment->end() ? nullptr : it->second.c_str();
}

absl::TimeZone LocalZone(const CommandContext& ctx) {
  if (ctx.environment == nullptr) return absl::LocalTimeZone();
  // As absl (cctz) reads TZ: "[:]NAME", unset meaning the system's zone.
  const char* tz = GetEnv(ctx, "TZ");
  std::string name = tz == nullptr ? "localtime" : tz;
  if (!name.empty() && name[0] == ':') name.erase(0, 1);
  if (name == "localtime") name = "/etc/localtime";
  absl::TimeZone zone;  // UTC when the name does not load, as absl does
  (void)absl::LoadTimeZone(name, &zone);
  return zone;
}

std::string WorkingDir(const CommandContext& ctx) {
  if (!ctx.cwd.empty()) return ctx.cwd;
  std::error_code ec;
  return std::filesystem::current_path(ec).string();
}

std::string FromWorkingDir(const CommandContext& ctx, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute() || ctx.cwd.empty()) return path;
  return (std::filesystem::path(ctx.cwd) / path).string();
}

absl::StatusOr<StoreOptions> WriterOptions(const CommandContext& ctx) {
  StoreOptions o = BaseOptions(ctx);
  ORCH_ASSIGN_OR_RETURN(o.lock_timeout, LockTimeout(ctx));
  return o;
}

absl::StatusOr<std::unique_ptr<EventWriter>> OpenStoreForWrite(const CommandContext& ctx, bool create,
                                                               bool shared_group) {
  ORCH_ASSIGN_OR_RETURN(std::string dir, ResolveStoreDir(ctx));
  // Read even when a server lends its store: bad input is refused on
  // every path (one emit path, docs/serve.md).
  ORCH_ASSIGN_OR_RETURN(StoreOptions o, WriterOptions(ctx));
  if (ctx.server_store != nullptr) {
    std::error_code ec;
    const auto mine = std::filesystem::weakly_canonical(dir, ec);
    if (mine != std::filesystem::weakly_canonical(ctx.server_store_dir, ec)) {
      return absl::FailedPreconditionError(
          absl::StrCat("this server owns ", ctx.server_store_dir, ", not ", dir, ": run with --no-server"));
    }
    return BorrowStore(*ctx.server_store);
  }
  o.create_if_missing = create;
  o.shared_group = shared_group;
  return OpenEventWriter(dir, o);
}

absl::StatusOr<std::unique_ptr<EventStore>> OpenStoreForRead(const CommandContext& ctx, bool allow_damaged) {
  ORCH_ASSIGN_OR_RETURN(std::string dir, ResolveStoreDir(ctx));
  StoreOptions o = BaseOptions(ctx);
  o.allow_damaged = allow_damaged;
  return OpenEventReader(dir, o);
}

namespace {
constexpr char kExitCodePayload[] = "orch.dev/exit-code";
}  // namespace

absl::Status WithExitCode(absl::Status status, int code) {
  status.SetPayload(kExitCodePayload, absl::Cord(std::to_string(code)));
  return status;
}

int ExitCodeFor(const absl::Status& s) {
  if (auto code = s.GetPayload(kExitCodePayload); code.has_value()) {
    int value = 0;
    if (absl::SimpleAtoi(std::string(*code), &value) && value > 0) return value;
  }
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
    // Every other code is a defect of orch, not of the input or the store.
    // Listed one by one (no default) so that a code Abseil adds fails the
    // build here and gets an exit code chosen, not 1 by accident.
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kDoNotUseReservedForFutureExpansionUseDefaultInSwitchInstead_:
      return 1;
  }
  return 1;  // a value outside the enumeration
}

}  // namespace orch

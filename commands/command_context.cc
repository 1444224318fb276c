#include "commands/command_context.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "base/time_text.h"

namespace orch {

namespace {

absl::Duration LockTimeout() {
  const char* v = std::getenv("ORCH_LOCK_TIMEOUT");
  if (v == nullptr) return absl::Seconds(10);
  auto secs = ParseDurationSeconds(v);
  return secs.ok() ? absl::Seconds(*secs) : absl::Seconds(10);
}

}  // namespace

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
    default:
      return 1;
  }
}

}  // namespace orch

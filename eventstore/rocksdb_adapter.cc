#include "eventstore/rocksdb_adapter.h"

#include <cstdarg>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace orch {

namespace {

class QuietLogger : public rocksdb::Logger {
 public:
  QuietLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::HEADER_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
  void Logv(const rocksdb::InfoLogLevel, const char*, va_list) override {}
};

class NoAutoRecovery : public rocksdb::EventListener {
 public:
  const char* Name() const override { return "OrchNoAutoRecovery"; }
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status, bool* auto_recovery) override {
    *auto_recovery = false;
  }
};

}  // namespace

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view context) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(context, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsNoSpace()) return absl::ResourceExhaustedError(msg);
  if (s.IsIOError() || s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) return absl::UnavailableError(msg);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  return absl::InternalError(msg);
}

std::shared_ptr<rocksdb::Logger> MakeQuietRocksLogger() { return std::make_shared<QuietLogger>(); }

std::shared_ptr<rocksdb::EventListener> MakeNoAutoRecoveryListener() {
  return std::make_shared<NoAutoRecovery>();
}

}  // namespace orch

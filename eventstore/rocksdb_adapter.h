// The one adapter between RocksDB and the rest of orch: status codes and
// the info logger.
#ifndef ORCH_EVENTSTORE_ROCKSDB_ADAPTER_H_
#define ORCH_EVENTSTORE_ROCKSDB_ADAPTER_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/env.h"
#include "rocksdb/status.h"

namespace orch {

// Maps RocksDB's status to the codes event_store.h promises; `context` (the
// store directory or the operation) starts the message.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view context);

// True when Open failed because another process holds the LOCK file.
bool IsLockHeld(const rocksdb::Status& s);

// Sends RocksDB's errors to spdlog and drops the rest, so the store
// directory does not gain an info LOG file (and LOG.old.*) per open.
std::shared_ptr<rocksdb::Logger> MakeQuietRocksLogger();

}  // namespace orch

#endif  // ORCH_EVENTSTORE_ROCKSDB_ADAPTER_H_

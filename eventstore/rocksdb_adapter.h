// The one adapter between RocksDB and the rest of orch: status codes, the
// info logger and how background errors are handled.
#ifndef ORCH_EVENTSTORE_ROCKSDB_ADAPTER_H_
#define ORCH_EVENTSTORE_ROCKSDB_ADAPTER_H_

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/env.h"
#include "rocksdb/listener.h"
#include "rocksdb/status.h"

namespace orch {

// Maps RocksDB's status to the codes event_store.h promises; `context` (the
// store directory or the operation) starts the message.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view context);

// Drops RocksDB's info log entirely: the store directory gains no LOG file
// per open, and nothing reaches stderr. What fails reaches the caller as a
// Status, once, with its cause; RocksDB's retries and background noise
// (errors it recovers from by itself) never print a line.
std::shared_ptr<rocksdb::Logger> MakeQuietRocksLogger();

// Turns off RocksDB's automatic recovery from background errors (on a full
// disk it polls for free space for minutes, holding the store and
// logging). A process that hits one reports it and exits; the next opens
// afresh.
std::shared_ptr<rocksdb::EventListener> MakeNoAutoRecoveryListener();

}  // namespace orch

#endif  // ORCH_EVENTSTORE_ROCKSDB_ADAPTER_H_

#include "eventstore/store_testing.h"

#include <utility>

#include "eventstore/rocksdb_event_store.h"

namespace orch::testing {

bool SetWriterQueuedHook(EventStore& writer, std::function<void(size_t queued)> hook) {
  auto* store = dynamic_cast<RocksDbEventStore*>(&writer);
  if (store == nullptr) return false;
  store->set_on_writer_queued(std::move(hook));
  return true;
}

}  // namespace orch::testing

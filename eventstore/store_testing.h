// Test seams of the store, kept out of event_store.h: nothing but tests
// may call these (they reach into the RocksDB implementation).
#ifndef ORCH_EVENTSTORE_STORE_TESTING_H_
#define ORCH_EVENTSTORE_STORE_TESTING_H_

#include <cstddef>
#include <functional>

#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"

namespace orch::testing {

// Installs `hook` on `writer` (a store OpenEventWriter returned, before
// its first Append): called with the queue's length each time an Append
// joins the writers' queue, under the queue's lock, so it must not call the
// store. False when `writer` is not one the store opened (a borrowed one).
bool SetWriterQueuedHook(EventStore& writer, std::function<void(size_t queued)> hook);

}  // namespace orch::testing

#endif  // ORCH_EVENTSTORE_STORE_TESTING_H_

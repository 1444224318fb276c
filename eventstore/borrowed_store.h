// An EventWriter handle that forwards to a store someone else owns, for code
// that takes ownership of the store it opens (a verb run by `orch serve`
// uses the server's open store).
#ifndef ORCH_EVENTSTORE_BORROWED_STORE_H_
#define ORCH_EVENTSTORE_BORROWED_STORE_H_

#include <memory>

#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"

namespace orch {

// Every call forwards to `store` (not owned; must outlive the handle);
// closing the handle leaves `store` open. Thread-safe as `store` is.
std::unique_ptr<EventWriter> BorrowStore(EventWriter& store);

}  // namespace orch

#endif  // ORCH_EVENTSTORE_BORROWED_STORE_H_

// A first-come, first-served exclusive lock among processes on one file,
// built from fcntl OFD byte-range locks (the kernel releases them when a
// process dies, so a crashed holder never wedges the queue).
//
// A plain blocking fcntl lock wakes every waiter at a release and the first
// to run wins: with 128 writers queued, a waiter's chance to be next is
// 1/128 each time, and some wait many turns too long (measured: a tenth of
// emits past a 10 s timeout while the median waited 6 s). Here waiters
// line up instead:
//
//   byte 0          the lock itself
//   byte 1          the ticket desk, held for a few system calls
//   bytes 0-7       (file content) the next ticket, little-endian
//   byte 16 + t     ticket t's place, held from the draw until release
//
// A waiter draws ticket t at the desk and takes place t in the same visit,
// waits until place t-1 is free (its predecessor is done, gave up or died),
// then takes byte 0, normally free by then. Releasing frees byte 0 before
// place t. A waiter that gives up (timeout) frees its place when its turn
// comes (or when its process exits); the one behind it then waits on byte 0
// directly, so order is approximate only around such a gap, and mutual
// exclusion never depends on the queue.
#ifndef ORCH_EVENTSTORE_FAIR_FILE_LOCK_H_
#define ORCH_EVENTSTORE_FAIR_FILE_LOCK_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "eventstore/file_lock.h"

namespace orch {

// Takes the lock on `fd` (an open O_RDWR descriptor of `path`, owned from
// now on: closed on every path), waiting at most `timeout`; the wait
// blocks in the kernel (a thread of its own when it must), no polling.
// DeadlineExceeded when the time is up; ErrnoStatus on other failures.
absl::StatusOr<std::unique_ptr<FileLock>> AcquireFairLock(int fd, const std::string& path,
                                                          absl::Duration timeout);

}  // namespace orch

#endif  // ORCH_EVENTSTORE_FAIR_FILE_LOCK_H_

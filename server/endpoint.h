// Where a store's server listens and how ownership of a store by a server
// is decided. Files beside RocksDB's in the store directory:
//
//   <store>/serve.sock   the unix socket (the store's file mode: 0600, or
//                        0660 in a shared store), unless --socket
//   <store>/serve.lock   held (flock, exclusive) by the store's one server
//                        for its whole life; the kernel drops it when the
//                        server dies, so a crashed server never wedges it
//   <store>/serve.log    stderr of servers that `orch emit` started
//
// Two servers never own one store: a server first takes serve.lock (a
// second gives up at once), then the store's own writer lock, which is
// what excludes every other writer. A socket file nobody answers on
// (ECONNREFUSED) while serve.lock is free is stale: the next server
// removes it.
#ifndef ORCH_SERVER_ENDPOINT_H_
#define ORCH_SERVER_ENDPOINT_H_

#include <sys/types.h>

#include <string>

#include "absl/status/statusor.h"

namespace orch::server {

inline constexpr char kSocketFile[] = "serve.sock";
inline constexpr char kServeLockFile[] = "serve.lock";
inline constexpr char kServeLogFile[] = "serve.log";

// $ORCH_SOCKET when set, else <store>/serve.sock.
std::string SocketPathFor(const std::string& store_dir);

// Connects to the socket at `path` (any length: a long path goes through
// /proc/self/fd). NotFound when there is no socket file, Unavailable when
// nothing listens on it (ECONNREFUSED), other errors as ErrnoStatus.
absl::StatusOr<int> ConnectSocket(const std::string& path);

// The mode of the files a server creates in `store_dir`: as the store's
// own (0600; 0660 in a group-writable --shared-group store).
mode_t StoreFileMode(const std::string& store_dir);

// A listening socket at `path` with `mode`; an old file there is replaced
// (call only while holding serve.lock).
absl::StatusOr<int> ListenSocket(const std::string& path, int backlog, mode_t mode);

// Takes serve.lock of `store_dir` without waiting: the fd holding it, or
// AlreadyExists when another server holds it. Created with StoreFileMode.
absl::StatusOr<int> TakeServeLock(const std::string& store_dir);

// Whether some process holds serve.lock now (false when the file is missing).
bool ServeLockHeld(const std::string& store_dir);

}  // namespace orch::server

#endif  // ORCH_SERVER_ENDPOINT_H_

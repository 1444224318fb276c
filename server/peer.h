// Who is on the other end of the server socket. A client sends a request
// (and believes an acknowledgement) only after it has proved that the
// listener is the store's server:
//   - its uid (SO_PEERCRED) is the client's own, the store directory's
//     owner, or, for a group-writable (--shared-group) store, a member of
//     the store's group; and
//   - it is the store's writer: the process holding the lock on the
//     store's RocksDB LOCK file (/proc/locks). Anyone who can write the
//     store directory can put a socket at serve.sock, but only the process
//     that holds the store open for writing holds that lock.
// A socket that fails either check is not used: the client writes directly
// and says why (server/client.cc).
#ifndef ORCH_SERVER_PEER_H_
#define ORCH_SERVER_PEER_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace orch::server {

// OK when the peer of the connected unix socket `fd` is the server of
// `store_dir` (above); PermissionDenied naming the peer's uid and pid
// otherwise.
absl::Status VerifyPeer(int fd, const std::string& store_dir);

// Whether the /proc/locks text `locks` shows process `pid` holding a lock
// on inode `inode` (exposed for tests).
bool HoldsLockOn(absl::string_view locks, pid_t pid, ino_t inode);

}  // namespace orch::server

#endif  // ORCH_SERVER_PEER_H_

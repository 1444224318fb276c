// The HTTP front's connections seen from outside cpp-httplib: the header
// deadline, and whether a stream's client is still there.
//
// cpp-httplib 0.11 (Debian's) reads a request with a timeout per read
// only, so a client that sends one header byte every half second holds its
// connection (and thread) for ever; and a handler streaming /live cannot see
// that its client left until a write fails. It hands out neither the socket
// nor a hook at accept. So every `interval` this watch lists the process's
// sockets whose local port is the front's and that have a peer (the
// accepted connections), and shuts down, with shutdown(2), each one that
// has spent longer than `header_deadline` outside a request: its request
// line and headers not complete since it connected, or idle since its last
// answer. Requests are told apart by the client's address and port, which
// httplib gives every request, so the front reports when one begins and
// ends. A streaming handler finds its own socket once (Track, while its
// client is surely connected) and asks Gone(peer), a non-blocking peek at
// it, between slices.
//
// A socket is remembered with its inode, and checked again just before
// shutdown or a peek, so a descriptor closed and reused in between is left
// alone.
#ifndef ORCH_SERVER_HTTP_CONNECTIONS_H_
#define ORCH_SERVER_HTTP_CONNECTIONS_H_

#include <sys/types.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"

namespace orch::server {

class HttpConnections {
 public:
  HttpConnections(int port, absl::Duration header_deadline, absl::Duration interval);
  ~HttpConnections();

  void Start();
  // Stops the watch; shuts down every connection still open when `drop`.
  void Stop(bool drop);

  // "ADDR:PORT", as httplib's Request::remote_addr and remote_port.
  static std::string PeerKey(const std::string& addr, int port);
  void RequestBegan(const std::string& peer);
  void RequestEnded(const std::string& peer);
  // Finds the socket of the request from `peer` now, for Gone. Costs a
  // look at every descriptor: for long requests (streams) only.
  void Track(const std::string& peer);
  // Whether the client at `peer` has closed its end (or reset it).
  bool Gone(const std::string& peer);

 private:
  static constexpr int kNotFound = -1;  // no scan has seen it yet
  static constexpr int kReset = -2;     // Track found no socket: reset early
  struct Connection {
    int fd = kNotFound;
    ino_t inode = 0;
    absl::Time idle_since;
    bool in_request = false;
    bool seen = false;  // in the latest scan
    bool cut = false;   // shut down for missing the deadline
  };
  void Run();
  void Scan(absl::Time now, bool drop_all);
  // The peer of `fd` when it is one of the front's accepted connections
  // (and the socket's inode).
  bool FrontPeer(int fd, std::string* peer, ino_t* inode) const;
  // Calls `visit(fd, peer, inode)` for each of the front's accepted
  // connections open now, until it returns false.
  template <typename Visit>
  void ForEachFrontSocket(Visit visit) const;

  const int port_;
  const absl::Duration header_deadline_;
  const absl::Duration interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  absl::flat_hash_map<std::string, Connection> connections_;
  std::thread thread_;
};

}  // namespace orch::server

#endif  // ORCH_SERVER_HTTP_CONNECTIONS_H_

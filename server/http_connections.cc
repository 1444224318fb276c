#include "server/http_connections.h"

#include <dirent.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace orch::server {

namespace {

int PortOf(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return -1;
}

// Whether `fd` is still the socket that had `inode`.
bool SameSocket(int fd, ino_t inode) {
  struct stat st;
  return ::fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_ino == inode;
}

std::vector<int> OpenFds() {
  std::vector<int> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return fds;
  const int own = ::dirfd(dir);
  while (const dirent* d = ::readdir(dir)) {
    int fd = 0;
    if (absl::SimpleAtoi(d->d_name, &fd) && fd != own) fds.push_back(fd);
  }
  ::closedir(dir);
  return fds;
}

}  // namespace

HttpConnections::HttpConnections(int port, absl::Duration header_deadline, absl::Duration interval)
    : port_(port), header_deadline_(header_deadline), interval_(interval) {}

HttpConnections::~HttpConnections() { Stop(false); }

void HttpConnections::Start() {
  thread_ = std::thread([this] { Run(); });
}

void HttpConnections::Stop(bool drop) {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (drop) {
    std::lock_guard<std::mutex> l(mu_);
    Scan(absl::Now(), true);
  }
}

std::string HttpConnections::PeerKey(const std::string& addr, int port) {
  return absl::StrCat(addr, ":", port);
}

void HttpConnections::RequestBegan(const std::string& peer) {
  std::lock_guard<std::mutex> l(mu_);
  Connection& c = connections_[peer];
  c.in_request = true;
}

void HttpConnections::RequestEnded(const std::string& peer) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = connections_.find(peer);
  if (it == connections_.end()) return;
  it->second.in_request = false;
  it->second.idle_since = absl::Now();
}

template <typename Visit>
void HttpConnections::ForEachFrontSocket(Visit visit) const {
  for (int fd : OpenFds()) {
    std::string peer;
    ino_t inode = 0;
    if (FrontPeer(fd, &peer, &inode) && !visit(fd, peer, inode)) return;
  }
}

void HttpConnections::Track(const std::string& peer) {
  std::lock_guard<std::mutex> l(mu_);
  Connection& c = connections_[peer];
  c.fd = kReset;  // unless found: reset before it could be looked at
  ForEachFrontSocket([&](int fd, const std::string& p, ino_t inode) {
    if (p != peer) return true;
    c.fd = fd;
    c.inode = inode;
    return false;
  });
}

bool HttpConnections::Gone(const std::string& peer) {
  int fd = kNotFound;
  ino_t inode = 0;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = connections_.find(peer);
    if (it == connections_.end()) return true;  // tracked, then gone from the process
    fd = it->second.fd;
    inode = it->second.inode;
  }
  if (fd == kReset) return true;
  if (fd < 0 || !SameSocket(fd, inode)) return false;
  char byte;
  const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return true;  // the client closed its end
  return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
}

bool HttpConnections::FrontPeer(int fd, std::string* peer, ino_t* inode) const {
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
  *inode = st.st_ino;
  sockaddr_storage local{};
  socklen_t len = sizeof(local);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0 || PortOf(local) != port_)
    return false;
  sockaddr_storage remote{};
  len = sizeof(remote);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &len) != 0) return false;  // the listener
  char host[NI_MAXHOST];
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&remote), len, host, sizeof(host), nullptr, 0,
                    NI_NUMERICHOST) != 0)
    return false;
  *peer = PeerKey(host, PortOf(remote));
  return true;
}

void HttpConnections::Run() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stopping_) {
    Scan(absl::Now(), false);
    wake_.wait_for(l, absl::ToChronoMilliseconds(interval_), [this] { return stopping_; });
  }
}

// Called with mu_ held.
void HttpConnections::Scan(absl::Time now, bool drop_all) {
  for (auto& [peer, c] : connections_) c.seen = false;
  ForEachFrontSocket([&](int fd, const std::string& peer, ino_t inode) {
    auto [it, fresh] = connections_.try_emplace(peer);
    Connection& c = it->second;
    if (fresh || c.inode != inode) {
      c.idle_since = now;
      c.cut = false;
    }
    c.fd = fd;
    c.inode = inode;
    c.seen = true;
    const bool late = !c.in_request && !c.cut && now - c.idle_since > header_deadline_;
    if ((drop_all || late) && SameSocket(fd, inode)) {
      ::shutdown(fd, SHUT_RDWR);
      c.cut = true;
    }
    return true;
  });
  // A connection gone from the process (or reset: no peer) is forgotten;
  // one whose request began before any scan saw it is kept.
  for (auto it = connections_.begin(); it != connections_.end();) {
    auto here = it++;
    const Connection& c = here->second;
    if (!c.seen && (!c.in_request || c.fd != kNotFound)) connections_.erase(here);
  }
}

}  // namespace orch::server

#include "server/peer.h"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace orch::server {

namespace {

// Whether `uid` belongs to group `gid` (as primary or supplementary group).
bool InGroup(uid_t uid, gid_t gid) {
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* pw_found = nullptr;
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &pw_found) != 0 || pw_found == nullptr) return false;
  if (pw.pw_gid == gid) return true;
  group gr{};
  group* gr_found = nullptr;
  std::vector<char> gbuf(65536);
  if (::getgrgid_r(gid, &gr, gbuf.data(), gbuf.size(), &gr_found) != 0 || gr_found == nullptr) return false;
  for (char** m = gr.gr_mem; m != nullptr && *m != nullptr; ++m) {
    if (std::string(*m) == pw.pw_name) return true;
  }
  return false;
}

}  // namespace

bool HoldsLockOn(absl::string_view locks, pid_t pid, ino_t inode) {
  // "1: POSIX  ADVISORY  WRITE 4242 fe:00:10953353 0 EOF"; a waiter's line
  // has "->" after the number and holds nothing.
  for (absl::string_view line : absl::StrSplit(locks, '\n')) {
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (f.size() < 6 || f[1] == "->") continue;
    int64_t holder = 0;
    if (!absl::SimpleAtoi(f[4], &holder) || holder != pid) continue;
    const size_t colon = f[5].rfind(':');
    uint64_t ino = 0;
    if (colon != absl::string_view::npos && absl::SimpleAtoi(f[5].substr(colon + 1), &ino) && ino == inode)
      return true;
  }
  return false;
}

absl::Status VerifyPeer(int fd, const std::string& store_dir) {
  ucred peer{};
  socklen_t len = sizeof(peer);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0) {
    return absl::PermissionDeniedError("cannot tell who listens on the server socket (SO_PEERCRED)");
  }
  struct stat dir {};
  if (::stat(store_dir.c_str(), &dir) != 0) {
    return absl::PermissionDeniedError(absl::StrCat("cannot read the owner of ", store_dir));
  }
  const bool shared = (dir.st_mode & S_IWGRP) != 0;
  const bool uid_ok = peer.uid == ::geteuid() || peer.uid == dir.st_uid ||
                      (shared && (peer.gid == dir.st_gid || InGroup(peer.uid, dir.st_gid)));
  const std::string who = absl::StrCat("uid ", peer.uid, ", pid ", peer.pid);
  if (!uid_ok) {
    return absl::PermissionDeniedError(absl::StrCat("the server socket is held by ", who,
                                                    ", neither you nor the store's owner",
                                                    shared ? " nor its group" : ""));
  }
  struct stat lock {};
  const std::string lock_path = (std::filesystem::path(store_dir) / "LOCK").string();
  if (::stat(lock_path.c_str(), &lock) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("the store has no LOCK file: ", who, " is not its writer"));
  }
  std::ifstream in("/proc/locks");
  std::stringstream text;
  text << in.rdbuf();
  if (!in && text.str().empty()) {
    return absl::PermissionDeniedError("cannot read /proc/locks to check the server socket's owner");
  }
  if (!HoldsLockOn(text.str(), peer.pid, lock.st_ino)) {
    return absl::PermissionDeniedError(absl::StrCat("the server socket is held by ", who,
                                                    ", which does not hold the store open for writing"));
  }
  return absl::OkStatus();
}

}  // namespace orch::server

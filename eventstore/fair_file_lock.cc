#include "eventstore/fair_file_lock.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"

namespace orch {

namespace {

constexpr off_t kLockByte = 0;
constexpr off_t kDeskByte = 1;
constexpr off_t kPlaceBase = 16;
constexpr uint64_t kPlaces = uint64_t{1} << 40;  // tickets wrap after 10^12 writers

off_t PlaceOf(uint64_t ticket) { return kPlaceBase + static_cast<off_t>(ticket % kPlaces); }

// Locks (F_WRLCK) or unlocks one byte. 0, or the errno (EAGAIN when
// `wait` is false and another description holds it).
int Byte(int fd, off_t at, short type, bool wait) {
  struct flock fl = {};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = at;
  fl.l_len = 1;
  int rc;
  do {
    rc = ::fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl);
  } while (rc != 0 && errno == EINTR);
  if (rc == 0) return 0;
  return errno == EACCES ? EAGAIN : errno;
}

class FairLock : public FileLock {
 public:
  FairLock(int fd, uint64_t ticket) : fd_(fd), ticket_(ticket) {}
  ~FairLock() override {
    Byte(fd_, kLockByte, F_UNLCK, false);         // the store first,
    Byte(fd_, PlaceOf(ticket_), F_UNLCK, false);  // then the next in line may go
    ::close(fd_);
  }
  // A waiter has drawn a ticket after ours (one that gave up counts until
  // its turn would have come: a false alarm at worst).
  bool OthersWaiting() const override {
    unsigned char next[8];
    if (::pread(fd_, next, sizeof(next), 0) != sizeof(next)) return false;
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = n << 8 | next[i];
    return n > ticket_ + 1;
  }

 private:
  const int fd_;
  const uint64_t ticket_;
};

// Where a waiter is in the protocol; Advance moves it on.
struct Queue {
  int fd = -1;
  int step = 0;  // 0 desk, 1 draw, 2 predecessor, 3 lock, 4 done
  uint64_t ticket = 0;

  // 0 when done, EAGAIN when a step would block (only if !wait), else errno.
  int Advance(bool wait) {
    while (step < 4) {
      switch (step) {
        case 0:
          if (int err = Byte(fd, kDeskByte, F_WRLCK, wait); err != 0) return err;
          break;
        case 1: {
          unsigned char next[8] = {};
          if (::pread(fd, next, sizeof(next), 0) < 0) return errno;
          for (int i = 7; i >= 0; --i) ticket = ticket << 8 | next[i];
          uint64_t after = ticket + 1;
          for (unsigned char& b : next) {
            b = static_cast<unsigned char>(after & 0xff);
            after >>= 8;
          }
          if (::pwrite(fd, next, sizeof(next), 0) != sizeof(next)) return errno != 0 ? errno : EIO;
          // Taken while holding the desk, so the one behind finds it held.
          // (Held already only if the ticket file was reset under live
          // waiters; then order degrades, exclusion does not.)
          Byte(fd, PlaceOf(ticket), F_WRLCK, false);
          Byte(fd, kDeskByte, F_UNLCK, false);
          break;
        }
        case 2:
          if (ticket > 0) {
            if (int err = Byte(fd, PlaceOf(ticket - 1), F_WRLCK, wait); err != 0) return err;
            Byte(fd, PlaceOf(ticket - 1), F_UNLCK, false);  // only the turn was wanted
          }
          break;
        case 3:
          if (int err = Byte(fd, kLockByte, F_WRLCK, wait); err != 0) return err;
          break;
      }
      ++step;
    }
    return 0;
  }
};

// Shared by a waiter thread and the thread that started it.
struct Wait {
  Queue queue;  // advanced by the thread only, read back once it is done
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  bool abandoned = false;
  int err = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<FileLock>> AcquireFairLock(int fd, const std::string& path,
                                                          absl::Duration timeout) {
  Queue q;
  q.fd = fd;
  // Uncontended: every step succeeds at once, on this thread.
  int err = q.Advance(/*wait=*/false);
  if (err == 0) return std::unique_ptr<FileLock>(new FairLock(fd, q.ticket));
  if (err != EAGAIN) {
    ::close(fd);
    return ErrnoStatus("cannot lock", path, err);
  }
  if (timeout <= absl::ZeroDuration()) {
    ::close(fd);
    return absl::DeadlineExceededError(absl::StrCat(path, " is held by another process"));
  }
  // Queued: wait in the kernel on a thread of its own, so the wait ends the
  // moment the turn comes and the timeout needs no polling.
  auto wait = std::make_shared<Wait>();
  wait->queue = q;
  std::thread([wait]() {
    const int err = wait->queue.Advance(/*wait=*/true);
    std::lock_guard<std::mutex> l(wait->mu);
    wait->done = true;
    wait->err = err;
    if (wait->abandoned) ::close(wait->queue.fd);  // the caller left: pass the turn on
    wait->cv.notify_all();
  }).detach();
  std::unique_lock<std::mutex> l(wait->mu);
  if (!wait->cv.wait_for(l, absl::ToChronoNanoseconds(timeout), [&] { return wait->done; })) {
    wait->abandoned = true;
    return absl::DeadlineExceededError(absl::StrCat(path, " is held by another process"));
  }
  if (wait->err != 0) {
    ::close(fd);
    return ErrnoStatus("cannot lock", path, wait->err);
  }
  return std::unique_ptr<FileLock>(new FairLock(fd, wait->queue.ticket));
}

}  // namespace orch

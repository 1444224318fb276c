// FileLock: an exclusive lock on a file, as Env::LockFile and
// Env::TryLockEntry hand it out. Its own header so the lock
// implementations (fair_file_lock.h) need not include env.h.
#ifndef ORCH_EVENTSTORE_FILE_LOCK_H_
#define ORCH_EVENTSTORE_FILE_LOCK_H_

namespace orch {

// An exclusive lock on a file; released when destroyed.
class FileLock {
 public:
  virtual ~FileLock() = default;
  // Whether another process is queued for this lock (a fair lock knows;
  // others answer false). Cheap: one read of the lock file.
  virtual bool OthersWaiting() const { return false; }
};

}  // namespace orch

#endif  // ORCH_EVENTSTORE_FILE_LOCK_H_

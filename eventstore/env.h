// Env: the seam between the store and the world it cannot control.
//
// Like LevelDB's Env, everything time-dependent goes through it so tests can
// pin the clock and make waiting instantaneous.
#ifndef ORCH_EVENTSTORE_ENV_H_
#define ORCH_EVENTSTORE_ENV_H_

#include <atomic>
#include <cstdint>

namespace orch {

class Env {
 public:
  virtual ~Env() = default;
  // Wall-clock time, nanoseconds since the Unix epoch (UTC).
  virtual int64_t NowNanos() = 0;
  // Blocks the calling thread.
  virtual void SleepForMicros(int64_t micros) = 0;
};

// The real clock and sleep. Stateless; safe from any thread.
class SystemEnv : public Env {
 public:
  int64_t NowNanos() override;
  void SleepForMicros(int64_t micros) override;
};

// A clock that moves only when told; sleeping advances it. Thread-safe.
class FakeEnv : public Env {
 public:
  explicit FakeEnv(int64_t start_nanos) : now_(start_nanos) {}
  int64_t NowNanos() override { return now_.load(); }
  void SleepForMicros(int64_t micros) override { now_ += micros * 1000; }
  void Advance(int64_t nanos) { now_ += nanos; }
  void Set(int64_t nanos) { now_ = nanos; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace orch

#endif  // ORCH_EVENTSTORE_ENV_H_

#include "eventstore/env.h"

#include <chrono>
#include <thread>

namespace orch {

int64_t SystemEnv::NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SystemEnv::SleepForMicros(int64_t micros) {
  std::this_thread::sleep_for(std::chrono::microseconds(micros));
}

}  // namespace orch

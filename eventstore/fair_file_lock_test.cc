// The writers' lock through SystemEnv::LockFile: first come, first served,
// a released lock handed on at once, and a waiter that gives up does not
// hold the queue. (Each LockFile call opens its own file description, so
// threads here contend exactly as processes do.)
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "eventstore/env.h"
#include "eventstore/posix_env.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace orch {
namespace {

// Tickets drawn so far: the counter at the start of the lock file.
uint64_t TicketsDrawn(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  unsigned char b[8] = {};
  const ssize_t n = ::pread(fd, b, sizeof(b), 0);
  ::close(fd);
  uint64_t v = 0;
  for (int i = n == 8 ? 7 : -1; i >= 0; --i) v = v << 8 | b[i];
  return v;
}

void WaitForTickets(const std::string& path, uint64_t n) {
  for (int i = 0; i < 2000 && TicketsDrawn(path) < n; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_GE(TicketsDrawn(path), n);
}

TEST(FairFileLockTest, WaitersGetTheLockInTheOrderTheyCame) {
  testing::TempDir tmp;
  const std::string path = tmp.Sub("writer.lock");
  SystemEnv env;
  auto holder = env.LockFile(path, 0600, absl::Seconds(1));
  ASSERT_TRUE(holder.ok()) << holder.status();
  constexpr int kWaiters = 6;
  std::mutex mu;
  std::vector<int> order;
  std::vector<std::thread> waiters;
  for (int i = 0; i < kWaiters; ++i) {
    waiters.emplace_back([&, i] {
      auto lock = env.LockFile(path, 0600, absl::Seconds(60));
      ASSERT_TRUE(lock.ok()) << lock.status();
      std::lock_guard<std::mutex> l(mu);
      order.push_back(i);
    });
    WaitForTickets(path, i + 2);  // waiter i is in line before i + 1 comes
  }
  holder->reset();
  for (auto& t : waiters) t.join();
  EXPECT_EQ(order, std::vector<int>({0, 1, 2, 3, 4, 5}));
}

TEST(FairFileLockTest, AWaiterThatGivesUpDoesNotHoldTheQueue) {
  testing::TempDir tmp;
  const std::string path = tmp.Sub("writer.lock");
  SystemEnv env;
  auto holder = env.LockFile(path, 0600, absl::Seconds(1));
  ASSERT_TRUE(holder.ok());
  auto impatient = env.LockFile(path, 0600, absl::Milliseconds(50));
  EXPECT_TRUE(absl::IsDeadlineExceeded(impatient.status())) << impatient.status();
  absl::StatusOr<std::unique_ptr<FileLock>> patient = absl::UnknownError("not yet");
  std::thread t([&] { patient = env.LockFile(path, 0600, absl::Seconds(60)); });
  WaitForTickets(path, 3);
  holder->reset();
  t.join();
  EXPECT_TRUE(patient.ok()) << patient.status();
  // Held now: nobody else gets in, and a zero timeout says so at once.
  EXPECT_TRUE(absl::IsDeadlineExceeded(env.LockFile(path, 0600, absl::ZeroDuration()).status()));
  patient->reset();
  EXPECT_TRUE(env.LockFile(path, 0600, absl::ZeroDuration()).ok());
}

}  // namespace
}  // namespace orch

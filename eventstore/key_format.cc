#include "eventstore/key_format.h"

#include "absl/strings/string_view.h"

namespace orch::keys {

namespace {
constexpr uint64_t kTimeBias = uint64_t{1} << 63;
}

std::string Event(uint64_t seq) {
  std::string k(1, kEventPrefix);
  PutBigEndian64(&k, seq);
  return k;
}

std::string TaskPrefix(absl::string_view task) {
  std::string k(1, kTaskPrefix);
  k.append(task.data(), task.size());
  k.push_back('\0');
  return k;
}

std::string Task(absl::string_view task, uint64_t version) {
  std::string k = TaskPrefix(task);
  PutBigEndian64(&k, version);
  return k;
}

std::string Time(int64_t time_ns, uint64_t seq) {
  std::string k(1, kTimePrefix);
  PutBigEndian64(&k, static_cast<uint64_t>(time_ns) ^ kTimeBias);
  PutBigEndian64(&k, seq);
  return k;
}

std::string Type(uint8_t type, uint64_t seq) {
  std::string k(1, kTypePrefix);
  k.push_back(static_cast<char>(type));
  PutBigEndian64(&k, seq);
  return k;
}

std::string Idempotency(absl::string_view key) {
  std::string k(1, kIdempotencyPrefix);
  k.append(key.data(), key.size());
  return k;
}

std::string CheckpointPrefix(absl::string_view name) {
  std::string k(1, kCheckpointPrefix);
  k.append(name.data(), name.size());
  k.push_back('\0');
  return k;
}

std::string Checkpoint(absl::string_view name, uint64_t seq) {
  std::string k = CheckpointPrefix(name);
  PutBigEndian64(&k, seq);
  return k;
}

std::string GuardState(absl::string_view key) {
  std::string k(1, kGuardPrefix);
  k.append(key.data(), key.size());
  return k;
}

uint64_t TrailingSeq(absl::string_view key) { return GetBigEndian64(key.substr(key.size() - 8)); }

int64_t TimeOf(absl::string_view key) {
  return static_cast<int64_t>(GetBigEndian64(key.substr(1)) ^ kTimeBias);
}

}  // namespace orch::keys

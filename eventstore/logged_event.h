// LoggedEvent: one verified record as read back from the log.
#ifndef ORCH_EVENTSTORE_LOGGED_EVENT_H_
#define ORCH_EVENTSTORE_LOGGED_EVENT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "events_generated.h"
#include "schema/fb_string.h"

namespace orch {

using EventType = schema::Payload;

// A view over stored bytes: hash(32) followed by a Record FlatBuffer.
// Does not own them unless built with Own(); the visitor form of
// EventStore::Scan hands out views valid only during the callback.
class LoggedEvent {
 public:
  // Verifies the FlatBuffers (record and nested event). DataLoss on failure.
  static absl::StatusOr<LoggedEvent> Parse(absl::string_view stored_value);

  // A copy that owns its bytes and outlives the scan.
  LoggedEvent Own() const;

  uint64_t seq() const { return record_->seq(); }
  uint64_t task_version() const { return record_->task_version(); }
  int64_t time_ns() const { return record_->time_ns(); }
  EventType type() const { return event_->payload_type(); }
  absl::string_view task() const { return FbStr(event_->task()); }
  absl::string_view anomaly() const { return FbStr(record_->anomaly()); }
  // Raw 32-byte hashes.
  absl::string_view hash() const { return stored_.substr(0, 32); }
  absl::string_view prev_hash() const;
  const schema::Record& record() const { return *record_; }
  const schema::Event& event() const { return *event_; }
  // The canonical bytes the hash covers.
  absl::string_view record_bytes() const { return stored_.substr(32); }

 private:
  LoggedEvent() = default;
  // Shared so copies stay valid: views point into this buffer.
  std::shared_ptr<const std::string> owned_;
  absl::string_view stored_;
  const schema::Record* record_ = nullptr;
  const schema::Event* event_ = nullptr;
};

}  // namespace orch

#endif  // ORCH_EVENTSTORE_LOGGED_EVENT_H_

#include "eventstore/logged_event.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "eventstore/sha256.h"

namespace orch {

absl::StatusOr<LoggedEvent> LoggedEvent::Parse(absl::string_view stored) {
  if (stored.size() <= kHashSize) {
    return absl::DataLossError(absl::StrCat("record of ", stored.size(), " bytes is truncated"));
  }
  absl::string_view body = stored.substr(kHashSize);
  const auto* data = reinterpret_cast<const uint8_t*>(body.data());
  flatbuffers::Verifier record_verifier(data, body.size());
  if (!schema::VerifyRecordBuffer(record_verifier)) {
    return absl::DataLossError("record fails FlatBuffers verification");
  }
  const schema::Record* record = schema::GetRecord(data);
  const auto* nested = record->event();
  if (nested == nullptr) return absl::DataLossError("record has no event");
  flatbuffers::Verifier event_verifier(nested->data(), nested->size());
  if (!event_verifier.VerifyBuffer<schema::Event>(nullptr)) {
    return absl::DataLossError("event fails FlatBuffers verification");
  }
  LoggedEvent e;
  e.stored_ = stored;
  e.record_ = record;
  e.event_ = flatbuffers::GetRoot<schema::Event>(nested->data());
  return e;
}

LoggedEvent LoggedEvent::Own() const {
  LoggedEvent copy;
  copy.owned_ = std::make_shared<const std::string>(stored_);
  copy.stored_ = *copy.owned_;
  const auto* data = reinterpret_cast<const uint8_t*>(copy.stored_.data() + kHashSize);
  copy.record_ = schema::GetRecord(data);
  copy.event_ = flatbuffers::GetRoot<schema::Event>(copy.record_->event()->data());
  return copy;
}

absl::string_view LoggedEvent::prev_hash() const {
  const auto* p = record_->prev_hash();
  if (p == nullptr) return {};
  return absl::string_view(reinterpret_cast<const char*>(p->data()), p->size());
}

}  // namespace orch

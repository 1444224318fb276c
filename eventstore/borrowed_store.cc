#include "eventstore/borrowed_store.h"

#include "eventstore/append_guard.h"
#include "eventstore/checkpoint_store.h"
#include "eventstore/logged_event.h"
#include "eventstore/verify_report.h"

namespace orch {

// Named (not in an anonymous namespace) so EventStore can let it forward
// the calls it keeps private.
class BorrowedStore : public EventWriter {
 public:
  explicit BorrowedStore(EventWriter& store) : s_(store) {}

  absl::StatusOr<std::vector<AppendResult>> Append(std::vector<AppendRequest> batch,
                                                   AppendGuard* guard) override {
    return s_.Append(std::move(batch), guard);
  }
  absl::Status Scan(const EventQuery& query,
                    const std::function<bool(const LoggedEvent&)>& visit) const override {
    return s_.Scan(query, visit);
  }
  absl::StatusOr<LoggedEvent> Get(uint64_t seq) const override { return s_.Get(seq); }
  Head head() const override { return s_.head(); }
  absl::StatusOr<uint64_t> TaskVersion(const std::string& task) const override {
    return s_.TaskVersion(task);
  }
  absl::StatusOr<VerifyReport> Verify(const std::function<void(uint64_t)>& progress) const override {
    return s_.Verify(progress);
  }
  absl::Status CatchUp() override { return s_.CatchUp(); }
  bool OtherWriterWaiting() const override { return s_.OtherWriterWaiting(); }

 private:
  absl::StatusOr<std::string> GetGuardState(const std::string& key) const override {
    return s_.GetGuardState(key);
  }
  absl::Status ScanGuardStates(
      const std::function<bool(const std::string&, const std::string&, uint64_t)>& visit) const override {
    return s_.ScanGuardStates(visit);
  }
  absl::StatusOr<std::optional<std::string>> IntactHashAt(uint64_t seq) const override {
    return s_.IntactHashAt(seq);
  }
  CheckpointPlace checkpoint_place() const override { return s_.checkpoint_place(); }

  EventWriter& s_;
};

std::unique_ptr<EventWriter> BorrowStore(EventWriter& store) {
  return std::make_unique<BorrowedStore>(store);
}

}  // namespace orch

#include "eventstore/borrowed_store.h"

namespace orch {

namespace {

class BorrowedStore : public EventStore {
 public:
  explicit BorrowedStore(EventStore& store) : s_(store) {}

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
  absl::StatusOr<std::string> GetGuardState(const std::string& key) const override {
    return s_.GetGuardState(key);
  }
  absl::Status ScanGuardStates(
      const std::function<bool(const std::string&, const std::string&, uint64_t)>& visit) const override {
    return s_.ScanGuardStates(visit);
  }
  absl::Status PutCheckpoint(const std::string& name, uint64_t seq, const std::string& bytes) override {
    return s_.PutCheckpoint(name, seq, bytes);
  }
  absl::StatusOr<std::pair<uint64_t, std::string>> GetCheckpoint(const std::string& name,
                                                                 uint64_t max_seq) const override {
    return s_.GetCheckpoint(name, max_seq);
  }
  absl::StatusOr<std::vector<uint64_t>> ListCheckpoints(const std::string& name) const override {
    return s_.ListCheckpoints(name);
  }
  absl::Status PruneCheckpoints(const std::string& name, uint64_t before_seq, size_t keep) override {
    return s_.PruneCheckpoints(name, before_seq, keep);
  }
  absl::Status CatchUp() override { return s_.CatchUp(); }
  bool OtherWriterWaiting() const override { return s_.OtherWriterWaiting(); }

 private:
  EventStore& s_;
};

}  // namespace

std::unique_ptr<EventStore> BorrowStore(EventStore& store) { return std::make_unique<BorrowedStore>(store); }

}  // namespace orch

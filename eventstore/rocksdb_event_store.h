// The RocksDB implementation of EventStore. Private to eventstore/: callers
// use EventStore::Open. Key layout: key_format.h.
#ifndef ORCH_EVENTSTORE_ROCKSDB_EVENT_STORE_H_
#define ORCH_EVENTSTORE_ROCKSDB_EVENT_STORE_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "eventstore/event_store.h"
#include "rocksdb/db.h"

namespace orch {

class RocksDbEventStore : public EventStore {
 public:
  static absl::StatusOr<std::unique_ptr<EventStore>> Open(const std::string& dir,
                                                          const StoreOptions& options);
  ~RocksDbEventStore() override;

  absl::StatusOr<std::vector<AppendResult>> Append(std::vector<AppendRequest> batch,
                                                   AppendGuard* guard) override;
  absl::Status Scan(const EventQuery& query,
                    const std::function<bool(const LoggedEvent&)>& visit) const override;
  absl::StatusOr<LoggedEvent> Get(uint64_t seq) const override;
  Head head() const override;
  absl::StatusOr<uint64_t> TaskVersion(const std::string& task) const override;
  absl::StatusOr<VerifyReport> Verify(const std::function<void(uint64_t)>& progress) const override;
  absl::StatusOr<std::string> GetGuardState(const std::string& key) const override;
  absl::Status ScanGuardStates(
      const std::function<bool(const std::string&, const std::string&, uint64_t)>& visit) const override;
  absl::Status PutCheckpoint(const std::string& name, uint64_t seq, const std::string& bytes) override;
  absl::StatusOr<std::pair<uint64_t, std::string>> GetCheckpoint(const std::string& name,
                                                                 uint64_t max_seq) const override;
  absl::StatusOr<std::vector<uint64_t>> ListCheckpoints(const std::string& name) const override;
  absl::Status PruneCheckpoints(const std::string& name, uint64_t before_seq, size_t keep) override;
  absl::Status CatchUp() override;

 private:
  RocksDbEventStore(std::string dir, Env* env, bool follower)
      : dir_(std::move(dir)), env_(env), follower_(follower) {}

  absl::Status CheckFormat(bool fresh);
  absl::Status FlushIfManyWals();
  void FinishCompactions();
  absl::Status LoadHead();
  // Collects the sequence numbers an index yields for `query`, sorted.
  absl::StatusOr<std::vector<uint64_t>> SeqsFromIndex(const EventQuery& query) const;
  // The guard bytes of a stored guard row value when its binding holds
  // (see GetGuardState) with the seq it is bound to; nullopt otherwise.
  absl::StatusOr<std::optional<std::pair<uint64_t, std::string>>> Unbind(absl::string_view value) const;
  // Visits the events at `seqs` that pass the query's remaining filters.
  absl::Status VisitSeqs(const std::vector<uint64_t>& seqs, const EventQuery& query,
                         const std::function<bool(const LoggedEvent&)>& visit) const;

  const std::string dir_;
  Env* const env_;
  const bool follower_;
  std::string secondary_dir_;  // follower only; removed on close
  std::unique_ptr<rocksdb::DB> db_;

  std::mutex append_mu_;  // one Append at a time within this process
  mutable absl::Mutex head_mu_;
  Head head_ ABSL_GUARDED_BY(head_mu_);
};

}  // namespace orch

#endif  // ORCH_EVENTSTORE_ROCKSDB_EVENT_STORE_H_

// The RocksDB implementation of EventStore. Private to eventstore/: callers
// use OpenEventReader, OpenEventWriter and RecoverStore. Key layout: key_format.h; files in the store
// directory: store_dir.h.
#ifndef ORCH_EVENTSTORE_ROCKSDB_EVENT_STORE_H_
#define ORCH_EVENTSTORE_ROCKSDB_EVENT_STORE_H_

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "eventstore/append_guard.h"
#include "eventstore/checkpoint_store.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "eventstore/rocksdb_file_system.h"
#include "eventstore/store_recovery.h"
#include "eventstore/verify_report.h"
#include "rocksdb/db.h"

namespace orch {

struct WalInspection;  // wal_damage.h

class RocksDbEventStore : public EventWriter {
 public:
  // `follower`: a reader (OpenEventReader); Append then fails.
  static absl::StatusOr<std::unique_ptr<RocksDbEventStore>> Open(const std::string& dir,
                                                                 const StoreOptions& options, bool follower);
  static absl::StatusOr<RecoveryReport> Recover(const std::string& dir, const StoreOptions& options);
  // Tests (store_testing.h): called with the queue's length each time an
  // Append joins the writers' queue (under the queue's lock: must not call
  // the store). Set before the first Append.
  void set_on_writer_queued(std::function<void(size_t)> hook) { on_writer_queued_ = std::move(hook); }
  ~RocksDbEventStore() override;

  absl::StatusOr<std::vector<AppendResult>> Append(std::vector<AppendRequest> batch,
                                                   AppendGuard* guard) override;
  absl::Status Scan(const EventQuery& query,
                    const std::function<bool(const LoggedEvent&)>& visit) const override;
  absl::StatusOr<LoggedEvent> Get(uint64_t seq) const override;
  Head head() const override;
  absl::StatusOr<uint64_t> TaskVersion(const std::string& task) const override;
  absl::StatusOr<VerifyReport> Verify(const std::function<void(uint64_t)>& progress) const override;
  absl::Status CatchUp() override;
  bool OtherWriterWaiting() const override {
    return writer_lock_ != nullptr && writer_lock_->OthersWaiting();
  }

 private:
  absl::StatusOr<std::string> GetGuardState(const std::string& key) const override;
  absl::Status ScanGuardStates(
      const std::function<bool(const std::string&, const std::string&, uint64_t)>& visit) const override;
  absl::StatusOr<std::optional<std::string>> IntactHashAt(uint64_t seq) const override;
  CheckpointPlace checkpoint_place() const override;

  RocksDbEventStore(std::string dir, const StoreOptions& options, bool follower, uint32_t file_mode,
                    uint32_t dir_mode);

  // Open's steps (rocksdb_event_store_open.cc).
  absl::Status OpenDb(bool create, bool recovering);
  absl::Status OpenReader(const rocksdb::Options& ro);
  absl::Status CheckFormat(bool fresh);
  absl::Status FlushIfManyWals();
  void FinishCompactions();
  absl::Status LoadHead();
  // The ranges store-recovered events acknowledge as lost.
  absl::Status LoadAcknowledged();
  // A RocksDB error as the Status event_store.h promises, preferring the
  // precise error the Env reported (errno, path) to RocksDB's paraphrase.
  absl::Status FromDb(const rocksdb::Status& s, const std::string& context) const;
  // ResourceExhausted naming the free space, when it is below the minimum.
  absl::Status CheckFreeSpace() const;

  // Recovery: deletes the guard rows bound to `seq` or later.
  absl::Status DropGuardRowsFrom(uint64_t seq);
  // Recover's steps (rocksdb_event_store_recover.cc): put back the intact
  // records RocksDB dropped; list the events present (and the last one's
  // hash); name the lost seqs; drop checkpoints and guard rows folded past
  // the first loss; append the store-recovered event.
  absl::Status RestoreSalvaged(const WalInspection& inspection, RecoveryReport* report);
  absl::Status ListPresent(std::vector<uint64_t>* present, std::string* last_hash) const;
  void MeasureLoss(const std::vector<uint64_t>& present, const WalInspection& inspection,
                   RecoveryReport* report) const;
  absl::Status DropDerivedPastLoss(const RecoveryReport& report, uint64_t last);
  absl::Status RecordRecovery(uint64_t last, const std::string& last_hash, RecoveryReport* report);
  // Append for the store's own records too (store-recovered events).
  absl::StatusOr<std::vector<AppendResult>> AppendInternal(std::vector<AppendRequest> batch,
                                                           AppendGuard* guard, bool recovery);
  // Group commit (rocksdb_event_store.cc): one caller's batch waiting in
  // the writers' queue, and the leader's work for a group of them.
  struct Writer;
  void CommitGroup(const std::vector<Writer*>& group);
  // Checks `w` as a single Append would, on top of `running` (the head
  // after the group's earlier batches); on success adds its rows and
  // advances `running`. A refusal touches nothing.
  absl::Status PrepareWriter(Writer& w, Head* running, std::vector<std::pair<std::string, std::string>>* rows,
                             std::vector<std::pair<std::string, std::string>>* guard_rows);
  // PrepareWriter's steps: resolve keys, versions and positions (BatchPlan),
  // run the guard over drafts of the new events, then build their rows.
  struct BatchPlan;
  // True when event `i` of `w` is a duplicate (its result filled in).
  absl::StatusOr<bool> ResolveKey(const Writer& w, size_t i, BatchPlan* plan) const;
  absl::StatusOr<BatchPlan> ResolveBatch(const Writer& w, const Head& start) const;
  absl::Status CheckWithGuard(const Writer& w, const Head& start, const BatchPlan& plan,
                              std::vector<std::string>* anomalies,
                              std::vector<std::pair<std::string, std::string>>* guard_state);
  // Returns the head after the batch's new events.
  Head AddRows(const Writer& w, const Head& start, const std::vector<std::string>& anomalies, BatchPlan* plan,
               std::vector<std::pair<std::string, std::string>>* rows);
  // Collects the sequence numbers an index yields for `query`, sorted.
  absl::StatusOr<std::vector<uint64_t>> SeqsFromIndex(const EventQuery& query) const;
  // The guard bytes of a stored guard row value when its binding holds
  // (see GetGuardState) with the seq it is bound to; nullopt otherwise.
  absl::StatusOr<std::optional<std::pair<uint64_t, std::string>>> Unbind(absl::string_view value) const;
  // Visits the events at `seqs` that pass the query's remaining filters.
  absl::Status VisitSeqs(const std::vector<uint64_t>& seqs, const EventQuery& query,
                         const std::function<bool(const LoggedEvent&)>& visit) const;
  // Walks a plain sequence range checking continuity, links and the head.
  absl::Status ScanRange(const EventQuery& query, const std::function<bool(const LoggedEvent&)>& visit) const;
  // DataLoss `problem`, or (allow_damaged) a warning and OK.
  absl::Status Damage(const std::string& problem) const;
  // True when every seq in [from, to] is an acknowledged loss.
  bool Acknowledged(uint64_t from, uint64_t to) const;

  const std::string dir_;
  const StoreOptions options_;
  Env* const env_;
  const bool follower_;
  const uint32_t file_mode_;  // 0600, or 0660 in a group-shared store
  const uint32_t dir_mode_;   // 0700, or 02770

  std::unique_ptr<FileLock> writer_lock_;  // writers only, held until closed
  std::shared_ptr<EnvFileSystem> fs_;
  std::unique_ptr<rocksdb::Env> rocks_env_;
  std::string reader_dir_;  // readers only; removed on close
  std::unique_ptr<rocksdb::DB> db_;
  std::function<void(size_t)> on_writer_queued_;  // tests only

  std::mutex append_mu_;  // one group commit at a time within this process
  std::mutex queue_mu_;
  std::deque<Writer*> writers_;  // guarded by queue_mu_; the front one leads
  mutable absl::Mutex head_mu_;
  Head head_ ABSL_GUARDED_BY(head_mu_);
  std::vector<AcknowledgedLoss> acknowledged_ ABSL_GUARDED_BY(head_mu_);  // sorted by `from`
};

}  // namespace orch

#endif  // ORCH_EVENTSTORE_ROCKSDB_EVENT_STORE_H_

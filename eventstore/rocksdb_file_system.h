// The RocksDB side of the Env seam: a rocksdb::FileSystem whose writes go
// through an orch::Env, so a fault injected into the Env reaches the log
// itself and the store's files get the modes the store chooses.
//
// Through the Env: creating and writing files, syncing them, renames,
// removals and directory syncs. RocksDB's default file system keeps the
// rest (reads, its LOCK file, listing, sizes).
#ifndef ORCH_EVENTSTORE_ROCKSDB_FILE_SYSTEM_H_
#define ORCH_EVENTSTORE_ROCKSDB_FILE_SYSTEM_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "eventstore/env.h"
#include "rocksdb/file_system.h"

namespace orch {

class EnvFileSystem : public rocksdb::FileSystemWrapper {
 public:
  // `env` is not owned and must outlive the file system; `file_mode` is the
  // mode of every file RocksDB creates through it.
  EnvFileSystem(Env* env, uint32_t file_mode);

  // The first error the Env returned since the last call, with its precise
  // code and message (RocksDB's own Status paraphrases it); OK when none.
  // Thread-safe.
  absl::Status TakeFirstError();

  const char* Name() const override { return "OrchEnvFileSystem"; }
  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& file_opts,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& file_opts,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& f, const std::string& old,
                                      const rocksdb::FileOptions& file_opts,
                                      std::unique_ptr<rocksdb::FSWritableFile>* r,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& name, const rocksdb::IOOptions& io_opts,
                                 std::unique_ptr<rocksdb::FSDirectory>* result,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& s, const std::string& t, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& f, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  // RocksDB's LOCK file, created first with the store's file mode.
  rocksdb::IOStatus LockFile(const std::string& f, const rocksdb::IOOptions& options, rocksdb::FileLock** l,
                             rocksdb::IODebugContext* dbg) override;

  // Converts an Env error for RocksDB and remembers it (TakeFirstError).
  rocksdb::IOStatus Report(const absl::Status& s);

 private:
  rocksdb::IOStatus OpenWritable(const std::string& f, bool append,
                                 std::unique_ptr<rocksdb::FSWritableFile>* r);

  Env* const env_;
  const uint32_t file_mode_;
  std::mutex mu_;
  absl::Status first_error_;
};

}  // namespace orch

#endif  // ORCH_EVENTSTORE_ROCKSDB_FILE_SYSTEM_H_

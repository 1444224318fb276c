#include "eventstore/rocksdb_file_system.h"

#include <utility>

namespace orch {

namespace {

// RocksDB rewrites an OPTIONS-* file (a record of the options, which it
// never reads back to open a store) at every open, syncing the file and the
// directory: two of the seven syncs an emit waits for while it holds the
// writer's lock. Losing one to a crash costs nothing (the next open writes
// it again), so those syncs are skipped.
bool IsOptionsFile(const std::string& path) {
  const size_t slash = path.rfind('/');
  return path.compare(slash == std::string::npos ? 0 : slash + 1, 8, "OPTIONS-") == 0;
}

// A RocksDB file written through an orch::WritableFile. RocksDB buffers
// itself, so Flush has nothing to do. A failed append or sync cuts the
// file back to what was last synced: that part was never acknowledged, and
// a failed append must leave the log as it was (RocksDB stops writing after
// such an error, so nothing is written after the cut).
class EnvWritableFile : public rocksdb::FSWritableFile {
 public:
  EnvWritableFile(EnvFileSystem* fs, std::unique_ptr<WritableFile> file, bool skip_sync)
      : fs_(fs), file_(std::move(file)), synced_(file_->Size()), skip_sync_(skip_sync) {}

  using rocksdb::FSWritableFile::Append;
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions&,
                           rocksdb::IODebugContext*) override {
    std::lock_guard<std::mutex> l(mu_);
    return Check(file_->Append(absl::string_view(data.data(), data.size())));
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           const rocksdb::DataVerificationInfo&, rocksdb::IODebugContext* dbg) override {
    return Append(data, o, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice&, uint64_t, const rocksdb::IOOptions&,
                                     rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::NotSupported("PositionedAppend (direct I/O is not used)");
  }
  rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    std::lock_guard<std::mutex> l(mu_);
    return Check(file_->Truncate(size));
  }
  rocksdb::IOStatus Close(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    std::lock_guard<std::mutex> l(mu_);
    return fs_->Report(file_->Close());
  }
  rocksdb::IOStatus Flush(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    std::lock_guard<std::mutex> l(mu_);
    if (skip_sync_) return rocksdb::IOStatus::OK();
    rocksdb::IOStatus s = Check(file_->Sync());
    if (s.ok()) synced_ = file_->Size();
    return s;
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    std::lock_guard<std::mutex> l(mu_);
    if (skip_sync_) return rocksdb::IOStatus::OK();
    rocksdb::IOStatus s = Check(file_->Fsync());
    if (s.ok()) synced_ = file_->Size();
    return s;
  }
  bool IsSyncThreadSafe() const override { return true; }
  uint64_t GetFileSize(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    std::lock_guard<std::mutex> l(mu_);
    return file_->Size();
  }

 private:
  rocksdb::IOStatus Check(const absl::Status& s) {
    if (!s.ok() && file_->Size() > synced_) file_->Truncate(synced_).IgnoreError();
    return fs_->Report(s);
  }

  EnvFileSystem* const fs_;
  std::mutex mu_;
  std::unique_ptr<WritableFile> file_;
  uint64_t synced_;
  const bool skip_sync_;  // an OPTIONS file
};

class EnvDirectory : public rocksdb::FSDirectory {
 public:
  EnvDirectory(EnvFileSystem* fs, Env* env, std::string path) : fs_(fs), env_(env), path_(std::move(path)) {}
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return fs_->Report(env_->SyncDir(path_));
  }
  rocksdb::IOStatus FsyncWithDirOptions(const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg,
                                        const rocksdb::DirFsyncOptions& why) override {
    if (why.reason == rocksdb::DirFsyncOptions::kFileRenamed && IsOptionsFile(why.renamed_new_name)) {
      return rocksdb::IOStatus::OK();
    }
    return Fsync(o, dbg);
  }
  rocksdb::IOStatus Close(const rocksdb::IOOptions&, rocksdb::IODebugContext*) override {
    return rocksdb::IOStatus::OK();
  }

 private:
  EnvFileSystem* const fs_;
  Env* const env_;
  const std::string path_;
};

}  // namespace

EnvFileSystem::EnvFileSystem(Env* env, uint32_t file_mode)
    : rocksdb::FileSystemWrapper(rocksdb::FileSystem::Default()), env_(env), file_mode_(file_mode) {}

absl::Status EnvFileSystem::TakeFirstError() {
  std::lock_guard<std::mutex> l(mu_);
  return std::exchange(first_error_, absl::OkStatus());
}

rocksdb::IOStatus EnvFileSystem::Report(const absl::Status& s) {
  if (s.ok()) return rocksdb::IOStatus::OK();
  if (!absl::IsNotFound(s)) {  // RocksDB removes files that may be gone already
    std::lock_guard<std::mutex> l(mu_);
    if (first_error_.ok()) first_error_ = s;
  }
  const std::string msg(s.message());
  if (absl::IsResourceExhausted(s)) return rocksdb::IOStatus::NoSpace(msg);
  if (absl::IsNotFound(s)) return rocksdb::IOStatus::PathNotFound(msg);
  return rocksdb::IOStatus::IOError(msg);
}

rocksdb::IOStatus EnvFileSystem::OpenWritable(const std::string& f, bool append,
                                              std::unique_ptr<rocksdb::FSWritableFile>* r) {
  auto file = env_->NewWritableFile(f, WritableFileOptions{file_mode_, /*exclusive=*/false, append});
  if (!file.ok()) return Report(file.status());
  r->reset(new EnvWritableFile(this, *std::move(file), IsOptionsFile(f)));
  return rocksdb::IOStatus::OK();
}

rocksdb::IOStatus EnvFileSystem::NewWritableFile(const std::string& f, const rocksdb::FileOptions&,
                                                 std::unique_ptr<rocksdb::FSWritableFile>* r,
                                                 rocksdb::IODebugContext*) {
  return OpenWritable(f, /*append=*/false, r);
}

rocksdb::IOStatus EnvFileSystem::ReopenWritableFile(const std::string& f, const rocksdb::FileOptions&,
                                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                                    rocksdb::IODebugContext*) {
  return OpenWritable(f, /*append=*/true, r);
}

rocksdb::IOStatus EnvFileSystem::ReuseWritableFile(const std::string&, const std::string&,
                                                   const rocksdb::FileOptions&,
                                                   std::unique_ptr<rocksdb::FSWritableFile>*,
                                                   rocksdb::IODebugContext*) {
  // Recycled logs would let a damaged record pass as an old one's tail.
  return rocksdb::IOStatus::NotSupported("WAL recycling is off in orch stores");
}

rocksdb::IOStatus EnvFileSystem::NewDirectory(const std::string& name, const rocksdb::IOOptions&,
                                              std::unique_ptr<rocksdb::FSDirectory>* result,
                                              rocksdb::IODebugContext*) {
  result->reset(new EnvDirectory(this, env_, name));
  return rocksdb::IOStatus::OK();
}

rocksdb::IOStatus EnvFileSystem::RenameFile(const std::string& s, const std::string& t,
                                            const rocksdb::IOOptions&, rocksdb::IODebugContext*) {
  return Report(env_->RenameFile(s, t));
}

rocksdb::IOStatus EnvFileSystem::DeleteFile(const std::string& f, const rocksdb::IOOptions&,
                                            rocksdb::IODebugContext*) {
  return Report(env_->RemoveFile(f));
}

rocksdb::IOStatus EnvFileSystem::LockFile(const std::string& f, const rocksdb::IOOptions& options,
                                          rocksdb::FileLock** l, rocksdb::IODebugContext* dbg) {
  if (target()->FileExists(f, options, dbg).IsNotFound()) {
    auto file =
        env_->NewWritableFile(f, WritableFileOptions{file_mode_, /*exclusive=*/true, /*append=*/false});
    if (file.ok()) (*file)->Close().IgnoreError();  // AlreadyExists: another process made it first
  }
  return target()->LockFile(f, options, l, dbg);
}

}  // namespace orch

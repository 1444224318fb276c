// Benchmark reference: a process that opens a RocksDB store with default
// options, writes one synced value and closes (the floor for any design
// that opens the store per emit).
#include "rocksdb/db.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::Open(o, argv[1], &db).ok()) return 1;
  rocksdb::WriteOptions wo;
  wo.sync = true;
  const bool ok = db->Put(wo, "bench-key", "{\"type\":\"note\"}").ok();
  delete db;
  return ok ? 0 : 1;
}

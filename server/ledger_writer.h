// `orch serve --write-ledger PATH`: keeps a ledger.json current at PATH as
// the log grows, for tools that read a ledger file (the predecessor's
// readers at .codex-orchestrator/ledger.json). Written atomically
// (eventstore/atomic_file.h), at most once a second, and once more when
// the server stops.
#ifndef ORCH_SERVER_LEDGER_WRITER_H_
#define ORCH_SERVER_LEDGER_WRITER_H_

#include <functional>
#include <string>
#include <thread>

#include "eventstore/event_store.h"
#include "server/server.h"

namespace orch::server {

class LedgerWriter {
 public:
  // Writes the ledger now and starts the thread that follows `heads`.
  // `store`, `heads` (not owned) must outlive the writer. Errors go to `log`.
  LedgerWriter(std::string path, EventStore& store, HeadWatch& heads,
               std::function<void(const std::string&)> log);
  // Waits for the thread (after heads.Close()) and writes the final ledger.
  ~LedgerWriter();

 private:
  void Write();
  void Loop();

  const std::string path_;
  EventStore& store_;
  HeadWatch& heads_;
  std::function<void(const std::string&)> log_;
  uint64_t written_ = 0;  // head of the ledger on disk
  std::thread thread_;
};

}  // namespace orch::server

#endif  // ORCH_SERVER_LEDGER_WRITER_H_

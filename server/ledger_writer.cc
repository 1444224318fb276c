#include "server/ledger_writer.h"

#include "absl/strings/str_cat.h"
#include "eventstore/atomic_file.h"
#include "eventstore/posix_env.h"
#include "projections/model_loader.h"
#include "projections/render/ledger_json.h"

namespace orch::server {

LedgerWriter::LedgerWriter(std::string path, EventStore& store, HeadWatch& heads,
                           std::function<void(const std::string&)> log)
    : path_(std::move(path)), store_(store), heads_(heads), log_(std::move(log)) {
  Write();
  thread_ = std::thread([this] { Loop(); });
}

LedgerWriter::~LedgerWriter() {
  heads_.Close();
  thread_.join();
  if (store_.head().seq != written_) Write();
}

void LedgerWriter::Write() {
  const uint64_t head = store_.head().seq;
  LoadOptions lo;
  auto model = LoadProjectModel(store_, lo);
  absl::Status s = model.status();
  if (s.ok()) {
    SystemEnv env;
    s = WriteFileAtomically(env, path_, RenderLedgerJson(*model), 0644, /*umask_applies=*/true);
  }
  if (!s.ok()) {
    if (log_) log_(absl::StrCat("could not write the ledger to ", path_, ": ", s.message()));
    return;
  }
  written_ = head;
}

void LedgerWriter::Loop() {
  while (!heads_.closed()) {
    const absl::Time last = absl::Now();
    heads_.WaitPast(written_, absl::Hours(1));
    if (heads_.closed()) break;
    // At most once a second: a storm of emits costs one fold a second.
    const absl::Duration rest = absl::Seconds(1) - (absl::Now() - last);
    if (rest > absl::ZeroDuration()) heads_.WaitPast(UINT64_MAX, rest);
    if (heads_.closed()) break;
    Write();
  }
}

}  // namespace orch::server

// orch recover: the explicit repair of a store whose write-ahead log is
// damaged (docs/cli.md). Says what it kept and what it could not recover.
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "commands/verbs.h"
#include "eventstore/store_recovery.h"
#include "eventstore/wal_damage.h"
#include "nlohmann/json.hpp"

namespace orch {

namespace {

struct RecoverOptions {
  bool json = false;
};

absl::Status RunRecover(const RecoverOptions& o, CommandContext& ctx) {
  ORCH_ASSIGN_OR_RETURN(std::string dir, ResolveStoreDir(ctx));
  ORCH_ASSIGN_OR_RETURN(StoreOptions so, WriterOptions(ctx));
  ORCH_ASSIGN_OR_RETURN(RecoveryReport r, RecoverStore(dir, so));
  if (o.json) {
    nlohmann::json j = {{"damaged", r.damaged}};
    if (r.damaged) {
      j["damage"] = r.damage;
      j["lost"] = r.lost;
      if (r.lost_unknown) j["lost_after_seq"] = r.lost_after;
      j["salvaged"] = r.salvaged;
      j["preserved_in"] = r.preserved_in;
      j["recorded_seq"] = r.recorded_seq;
    }
    *ctx.out << j.dump() << "\n";
    return absl::OkStatus();
  }
  if (!r.damaged) {
    *ctx.out << "nothing to recover: the write-ahead logs of " << dir << " are intact\n";
    return absl::OkStatus();
  }
  *ctx.out << "found: " << r.damage << "\n"
           << "kept copies of the damaged logs in " << r.preserved_in << "\n";
  if (!r.salvaged.empty()) {
    *ctx.out << "kept events " << FormatSeqRanges(r.salvaged)
             << " from intact records RocksDB would have dropped with the damage\n";
  }
  if (!r.lost.empty()) {
    *ctx.out << "could not recover: seq " << FormatSeqRanges(r.lost) << "\n";
  } else if (r.lost_unknown) {
    *ctx.out << "could not recover: everything written after seq " << r.lost_after
             << " (how many events is unknown)\n";
  } else {
    *ctx.out << "could not recover: nothing (no event was in the damaged bytes)\n";
  }
  *ctx.out << "recorded as seq " << r.recorded_seq
           << " (store-recovered); the store opens and appends again\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterRecover(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<RecoverOptions> o;
  CLI::App* sub =
      AddVerb(app, "recover", "Repair a store whose write-ahead log is damaged, saying what is lost", ctx,
              RunRecover, &o);
  sub->add_flag("--json", o->json, "Print the report as JSON");
  sub->footer(
      "Example:\n  orch recover && orch verify\n"
      "Run it when orch refuses to open a store with 'damaged write-ahead log'. It keeps a copy of\n"
      "the damaged logs in <store>/damaged/, keeps every intact event, records the sequence numbers\n"
      "it could not recover as a store-recovered event (they are never reused), and leaves a store\n"
      "that opens, appends and verifies. A store without damage is left as it is.");
}

}  // namespace orch

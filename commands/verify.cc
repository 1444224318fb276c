// orch verify: proves the log is intact, or names the first bad event.
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "commands/verbs.h"
#include "eventstore/sha256.h"
#include "git/anchor.h"
#include "nlohmann/json.hpp"
#include "projections/derived_check.h"

namespace orch {

namespace {

struct VerifyOptions {
  bool json = false;
  bool quiet = false;
  std::string repo;
};

// What the anchor outside the store says (git/anchor.h). A store outside any
// repository, or a repository without an anchor, is reported, not failed:
// verify then proves less (docs/ARCHITECTURE.md, "Threat model").
struct AnchorReport {
  std::string state;  // "none", "matches", "ahead", "behind", "diverged", "unreadable"
  std::string detail;
  bool failed() const { return state == "behind" || state == "diverged" || state == "unreadable"; }
};

absl::StatusOr<AnchorReport> CheckAnchor(const CommandContext& ctx, const EventStore& store,
                                         const std::string& repo_flag) {
  auto project = OpenProjectRepoFor(ctx, store, repo_flag);
  if (!project.ok()) {
    if (!repo_flag.empty()) return project.status();
    return AnchorReport{
        "none", absl::StrCat("no repository to read an anchor from (", project.status().message(), ")")};
  }
  auto anchor = git::ReadAnchor(*project->repo);
  if (!anchor.ok()) return AnchorReport{"unreadable", std::string(anchor.status().message())};
  if (!anchor->has_value()) {
    return AnchorReport{"none",
                        absl::StrCat("no anchor on ", git::kAnchorRef, " in ", project->repo->workdir(),
                                     ": run `orch anchor` to pin the head outside the store")};
  }
  ORCH_ASSIGN_OR_RETURN(git::AnchorCheck check, git::CheckAgainstAnchor(store, **anchor));
  switch (check.verdict) {
    case git::AnchorVerdict::kMatches:
      return AnchorReport{"matches", check.detail};
    case git::AnchorVerdict::kAhead:
      return AnchorReport{"ahead", check.detail};
    case git::AnchorVerdict::kBehind:
      return AnchorReport{"behind", check.detail};
    case git::AnchorVerdict::kDiverged:
      return AnchorReport{"diverged", check.detail};
  }
  return AnchorReport{"unreadable", "unknown verdict"};
}

absl::Status RunVerify(const VerifyOptions& o, CommandContext& ctx) {
  ORCH_ASSIGN_OR_RETURN(auto store, OpenStoreForRead(ctx));
  ORCH_ASSIGN_OR_RETURN(VerifyReport report, store->Verify([&](uint64_t n) {
    if (!o.quiet && !o.json) *ctx.err << "verified " << n << " events...\r" << std::flush;
  }));
  // What is derived from the events (guard rows, checkpoints) is only
  // compared with a chain known to be intact.
  DerivedReport derived;
  if (report.intact()) {
    ORCH_ASSIGN_OR_RETURN(derived, CheckDerived(*store));
  }
  const Head head = store->head();
  // Losses a recovery acknowledged: "19-21 (recorded at seq 22)".
  std::vector<std::string> losses;
  uint64_t lost = 0;
  nlohmann::json acknowledged = nlohmann::json::array();
  for (const AcknowledgedLoss& a : report.acknowledged) {
    losses.push_back(absl::StrCat(a.from == a.to ? absl::StrCat(a.from) : absl::StrCat(a.from, "-", a.to),
                                  " (recorded at seq ", a.recorded_at, ")"));
    lost += a.to - a.from + 1;
    acknowledged.push_back({{"from", a.from}, {"to", a.to}, {"recorded_at", a.recorded_at}});
  }
  const std::string intact =
      losses.empty() ? "chain intact"
                     : absl::StrCat("chain intact except ", lost, lost == 1 ? " event" : " events",
                                    " lost to damage and acknowledged by `orch recover`: seq ",
                                    absl::StrJoin(losses, ", "));
  AnchorReport anchor{"none", "not checked: the chain itself is broken"};
  if (report.intact()) {
    ORCH_ASSIGN_OR_RETURN(anchor, CheckAnchor(ctx, *store, o.repo));
  }
  if (o.json) {
    nlohmann::json j = {{"intact", report.intact() && derived.ok()},
                        {"checked", report.checked},
                        {"head_seq", head.seq},
                        {"head_hash", ToHex(head.hash)},
                        {"acknowledged_losses", acknowledged},
                        {"derived",
                         {{"guard_rows", derived.guard_rows},
                          {"checkpoints", derived.checkpoints},
                          {"skipped", derived.skipped},
                          {"problems", derived.problems}}}};
    if (!report.intact()) {
      j["first_bad_seq"] = report.first_bad_seq;
      j["problem"] = report.problem;
    } else if (!derived.ok()) {
      j["problem"] = derived.problems.front();
    }
    j["anchor"] = {{"state", anchor.state}, {"detail", anchor.detail}};
    *ctx.out << j.dump() << "\n";
  } else if (report.intact() && derived.ok()) {
    *ctx.out << "ok: " << report.checked << " events, " << intact << "; checksums ok; " << derived.guard_rows
             << " guard rows and " << derived.checkpoints << " checkpoints match the log; head " << head.seq
             << " " << ToHex(head.hash) << "\n";
    *ctx.out << "anchor: " << anchor.detail << "\n";
  } else if (!derived.ok()) {
    for (const std::string& p : derived.problems) *ctx.err << "orch: " << p << "\n";
  }
  if (!report.intact()) {
    return absl::DataLossError(absl::StrCat(
        "verify failed", report.first_bad_seq ? absl::StrCat(" at seq ", report.first_bad_seq) : "", ": ",
        report.problem));
  }
  if (!derived.ok()) {
    return absl::DataLossError(
        absl::StrCat("verify failed: ", derived.problems.size(),
                     " derived row(s) disagree with the log; first: ", derived.problems.front()));
  }
  if (anchor.failed()) return absl::DataLossError(absl::StrCat("verify failed: ", anchor.detail));
  return absl::OkStatus();
}

}  // namespace

void RegisterVerify(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<VerifyOptions> o;
  CLI::App* sub =
      AddVerb(app, "verify", "Check the hash chain, the store's checksums and what is derived from the log",
              ctx, RunVerify, &o);
  sub->add_flag("--json", o->json, "Print the report as JSON");
  sub->add_flag("--quiet,-q", o->quiet, "No progress output");
  sub->add_option("--repo", o->repo, "Repository holding the anchor (default: the project's)");
  sub->footer(
      "Example:\n  orch verify && echo intact\n"
      "Exit 0 only when every event is present (events a recovery lost and recorded are named,\n"
      "not hidden), unchanged and chained, every guard row and checkpoint equals a fresh fold of\n"
      "the log, and the store is not behind or diverged from its anchor (orch anchor,\n"
      "refs/orch/head); 4 names the problem (seq, row or checkpoint).\n"
      "A chain held only in the store cannot reveal a rolled-back or rewritten log: anchor it.");
}

}  // namespace orch

// orch anchor: pins the log's head outside the store, as a commit on
// refs/orch/head of the project's repository (git/anchor.h); `orch verify`
// then reports a store that is behind or diverged from it.
#include "git/anchor.h"

#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "commands/verbs.h"
#include "eventstore/sha256.h"
#include "git/repo_snapshot.h"
#include "git/task_git_facts.h"
#include "nlohmann/json.hpp"

namespace orch {

namespace {

struct AnchorOptions {
  std::string repo;
  std::string push;  // remote to push the anchor ref to; "" = do not push
  bool json = false;
};

// `git push REMOTE refs/orch/head:refs/orch/head` through the git command,
// so the user's credential helpers and ssh setup apply as for any push.
absl::Status PushAnchor(const std::string& workdir, const std::string& remote) {
  const std::string cmd = absl::StrCat("git -C '", workdir, "' push --quiet '", remote, "' ", git::kAnchorRef,
                                       ":", git::kAnchorRef, " 2>&1");
  if (remote.find('\'') != std::string::npos || workdir.find('\'') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("bad --push remote '", remote, "'"));
  }
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return absl::UnavailableError("cannot run git push");
  std::string output;
  char buf[512];
  while (fgets(buf, sizeof(buf), p) != nullptr) output += buf;
  const int rc = pclose(p);
  if (rc != 0) {
    while (!output.empty() && output.back() == '\n') output.pop_back();
    const size_t nl = output.rfind('\n');
    return absl::UnavailableError(absl::StrCat("git push ", remote, " ", git::kAnchorRef, " failed: ",
                                               nl == std::string::npos ? output : output.substr(nl + 1)));
  }
  return absl::OkStatus();
}

absl::Status RunAnchor(const AnchorOptions& o, CommandContext& ctx) {
  ORCH_ASSIGN_OR_RETURN(auto store, OpenStoreForRead(ctx));
  // Anchoring a damaged chain would vouch for it.
  ORCH_ASSIGN_OR_RETURN(VerifyReport report, store->Verify(nullptr));
  if (!report.intact()) {
    return absl::DataLossError(absl::StrCat("the chain is not intact (", report.problem, "): not anchoring"));
  }
  ORCH_ASSIGN_OR_RETURN(git::ProjectRepo project, OpenProjectRepoFor(ctx, *store, o.repo));
  ORCH_ASSIGN_OR_RETURN(git::AnchorWrite w, git::WriteAnchor(*project.repo, *store));
  if (!o.push.empty()) ORCH_RETURN_IF_ERROR(PushAnchor(project.repo->workdir(), o.push));
  if (o.json) {
    *ctx.out << nlohmann::json{{"ref", git::kAnchorRef},       {"seq", w.anchor.seq},
                               {"hash", ToHex(w.anchor.hash)}, {"commit", w.anchor.commit},
                               {"written", w.written},         {"pushed", !o.push.empty()}}
                    .dump()
             << "\n";
  } else {
    *ctx.out << (w.written ? "anchored" : "already anchored") << " seq " << w.anchor.seq << " "
             << ToHex(w.anchor.hash) << " on " << git::kAnchorRef << " (" << git::ShortId(w.anchor.commit)
             << ") in " << project.repo->workdir()
             << (o.push.empty() ? "" : absl::StrCat(", pushed to ", o.push)) << "\n";
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterAnchor(CLI::App& app, CommandContext& ctx) {
  std::shared_ptr<AnchorOptions> o;
  CLI::App* sub =
      AddVerb(app, "anchor", "Pin the log's head outside the store, on a git ref", ctx, RunAnchor, &o);
  sub->add_option("--repo", o->repo, "Repository to anchor in (default: the project's)");
  sub->add_option("--push", o->push, "Also push the anchor ref to this remote (e.g. origin)");
  sub->add_flag("--json", o->json, "Print {ref, seq, hash, commit, written, pushed} as JSON");
  sub->footer(
      "Records the head (seq and hash) as a commit on refs/orch/head, chained to the previous\n"
      "anchor, after verifying the chain. `orch verify` then fails when the store is behind the\n"
      "anchor (rolled back) or holds another event at the anchored seq (rewritten).\n"
      "Examples:\n"
      "  orch anchor                      after the night, before the review\n"
      "  orch anchor --push origin        and keep a copy on the remote\n"
      "  git push origin 'refs/orch/*'    the same push by hand");
}

}  // namespace orch

#include "git/anchor.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "eventstore/logged_event.h"
#include "eventstore/sha256.h"

namespace orch::git {

std::string AnchorText(const Anchor& a) {
  return absl::StrCat("orch-anchor 1\nseq ", a.seq, "\nhash ", ToHex(a.hash), "\n");
}

absl::StatusOr<Anchor> ParseAnchorText(absl::string_view text) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  Anchor a;
  if (lines.size() != 3 || lines[0] != "orch-anchor 1" || !absl::ConsumePrefix(&lines[1], "seq ") ||
      !absl::SimpleAtoi(lines[1], &a.seq) || !absl::ConsumePrefix(&lines[2], "hash ") ||
      lines[2].size() != 2 * kHashSize ||
      lines[2].find_first_not_of("0123456789abcdef") != absl::string_view::npos) {
    return absl::DataLossError(absl::StrCat("not an orch anchor: '", absl::CEscape(text.substr(0, 80)), "'"));
  }
  a.hash = absl::HexStringToBytes(lines[2]);
  return a;
}

absl::StatusOr<std::optional<Anchor>> ReadAnchor(const GitRepo& repo, const std::string& ref) {
  ORCH_ASSIGN_OR_RETURN(std::optional<std::string> commit, repo.RefCommit(ref));
  if (!commit) return std::optional<Anchor>();
  auto text = repo.FileAtCommit(*commit, kAnchorFile);
  if (!text.ok()) {
    return absl::DataLossError(
        absl::StrCat(ref, " (", ShortId(*commit), ") holds no orch anchor: ", text.status().message()));
  }
  auto anchor = ParseAnchorText(*text);
  if (!anchor.ok()) {
    return absl::DataLossError(absl::StrCat(ref, " (", ShortId(*commit), "): ", anchor.status().message()));
  }
  anchor->commit = *commit;
  return std::optional<Anchor>(*std::move(anchor));
}

absl::StatusOr<AnchorCheck> CheckAgainstAnchor(const EventStore& store, const Anchor& anchor) {
  const Head head = store.head();
  const std::string where = absl::StrCat("the anchor", anchor.commit.empty() ? "" : " ",
                                         anchor.commit.empty() ? "" : ShortId(anchor.commit), " records seq ",
                                         anchor.seq, " (", ToHex(anchor.hash).substr(0, 12), ")");
  if (head.seq < anchor.seq) {
    return AnchorCheck{AnchorVerdict::kBehind,
                       absl::StrCat("the store is behind its anchor: ", where, ", the store ends at seq ",
                                    head.seq, " (restored from an older copy, or events removed)")};
  }
  if (anchor.seq == 0) return AnchorCheck{AnchorVerdict::kAhead, "the anchor records an empty log"};
  auto e = store.Get(anchor.seq);
  if (absl::IsNotFound(e.status())) {
    return AnchorCheck{AnchorVerdict::kBehind,
                       absl::StrCat("the store is missing the anchored event: ", where)};
  }
  if (!e.ok()) return e.status();
  if (e->hash() != anchor.hash) {
    return AnchorCheck{AnchorVerdict::kDiverged,
                       absl::StrCat("the store diverged from its anchor: ", where, ", the store has ",
                                    ToHex(e->hash()).substr(0, 12), " there (history rewritten)")};
  }
  if (head.seq == anchor.seq) {
    return AnchorCheck{AnchorVerdict::kMatches, absl::StrCat("the head is anchored (", where, ")")};
  }
  return AnchorCheck{AnchorVerdict::kAhead, absl::StrCat(where, ", which the store holds unchanged; ",
                                                         head.seq - anchor.seq, " events since")};
}

absl::StatusOr<AnchorWrite> WriteAnchor(const GitRepo& repo, const EventStore& store,
                                        const std::string& ref) {
  ORCH_ASSIGN_OR_RETURN(std::optional<Anchor> previous, ReadAnchor(repo, ref));
  if (previous) {
    ORCH_ASSIGN_OR_RETURN(AnchorCheck check, CheckAgainstAnchor(store, *previous));
    if (!check.ok()) return absl::FailedPreconditionError(absl::StrCat(check.detail, ": not anchoring"));
    if (check.verdict == AnchorVerdict::kMatches) return AnchorWrite{*previous, false};
  }
  const Head head = store.head();
  AnchorWrite w;
  w.anchor.seq = head.seq;
  w.anchor.hash = head.hash;
  ORCH_ASSIGN_OR_RETURN(
      w.anchor.commit,
      repo.CommitFileToRef(ref, kAnchorFile, AnchorText(w.anchor),
                           absl::StrCat("orch anchor: seq ", head.seq, " ", ToHex(head.hash)),
                           previous ? std::optional<std::string>(previous->commit) : std::nullopt));
  w.written = true;
  return w;
}

}  // namespace orch::git

// The head's anchor outside the store: `orch anchor` records the log's head
// (seq and hash) as a commit on a git ref (refs/orch/head) of the project's
// repository, and `orch verify` compares the store with it.
//
// Why: the hash chain proves that the events in the store link up, not that
// they are all the events there were. A store rolled back to an older copy,
// or a chain re-emitted with edited content and the original times, is
// internally consistent. The anchor is a copy of the head kept where the
// store's owner does not rewrite it casually: in git, pushed to the remote
// with everything else, each anchor commit chained to the previous one.
// See docs/ARCHITECTURE.md, "Threat model".
#ifndef ORCH_GIT_ANCHOR_H_
#define ORCH_GIT_ANCHOR_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"
#include "git/repository.h"

namespace orch::git {

inline constexpr char kAnchorRef[] = "refs/orch/head";
inline constexpr char kAnchorFile[] = "orch-head";

struct Anchor {
  uint64_t seq = 0;
  std::string hash;    // raw 32 bytes: the hash of the event at `seq`
  std::string commit;  // the anchor commit (empty for one not written yet)
};

// How the store stands against an anchor.
enum class AnchorVerdict {
  kMatches,   // the store's head is the anchored event
  kAhead,     // the anchored event is in the store, more came after it
  kBehind,    // the store ends before the anchored seq (rolled back?)
  kDiverged,  // the store holds another event at the anchored seq
};

struct AnchorCheck {
  AnchorVerdict verdict = AnchorVerdict::kMatches;
  std::string detail;  // one line for a person
  bool ok() const { return verdict == AnchorVerdict::kMatches || verdict == AnchorVerdict::kAhead; }
};

// The file an anchor commit holds: "orch-anchor 1\nseq N\nhash HEX\n".
std::string AnchorText(const Anchor& a);
// DataLoss when `text` is not an anchor file.
absl::StatusOr<Anchor> ParseAnchorText(absl::string_view text);

// The anchor on `ref`; nullopt when the ref does not exist.
absl::StatusOr<std::optional<Anchor>> ReadAnchor(const GitRepo& repo, const std::string& ref = kAnchorRef);

// Compares the store with `anchor` (reads one event).
absl::StatusOr<AnchorCheck> CheckAgainstAnchor(const EventStore& store, const Anchor& anchor);

// Anchors the store's current head on `ref`, chained to the previous
// anchor. Refuses (FailedPrecondition, naming both heads) when the store is
// behind or diverged from the previous anchor: that is exactly what an
// anchor exists to reveal, so it is never overwritten. Returns the previous
// anchor's commit unchanged (and `written` false) when the head is already
// anchored. The caller verifies the chain first.
struct AnchorWrite {
  Anchor anchor;
  bool written = false;
};
absl::StatusOr<AnchorWrite> WriteAnchor(const GitRepo& repo, const EventStore& store,
                                        const std::string& ref = kAnchorRef);

}  // namespace orch::git

#endif  // ORCH_GIT_ANCHOR_H_

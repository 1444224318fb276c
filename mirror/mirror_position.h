// MirrorPosition: how far `orch mirror` got, kept beside the log (not in
// it: an event recording the mirror's progress would itself need
// mirroring). One small JSON file per stream in the store directory,
// <store>/mirror-<stream>.position, written atomically through the Env
// (WriteFileAtomically). It is a hint: the mirror checks it against what
// the stream really holds before trusting it (log_mirror.h).
#ifndef ORCH_MIRROR_MIRROR_POSITION_H_
#define ORCH_MIRROR_MIRROR_POSITION_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "eventstore/env.h"

namespace orch::mirror {

struct MirrorPosition {
  std::string stream, project;
  uint64_t seq = 0;      // every local event up to this one is in the stream
  std::string hash_hex;  // the hash of event `seq`
  // The newest of the project's messages in the stream (normally event
  // `seq` itself), the hash it carries, and how many of the project's
  // messages the stream held up to it.
  uint64_t stream_seq = 0;
  std::string stream_hash_hex;
  uint64_t count = 0;
};

std::string PositionPath(const std::string& store_dir, const std::string& stream);

// nullopt when there is no position or it cannot be read or parsed (it is
// a hint: the mirror then compares the whole stream with the log).
absl::StatusOr<std::optional<MirrorPosition>> ReadPosition(Env& env, const std::string& path);

absl::Status WritePosition(Env& env, const std::string& path, const MirrorPosition& position);

}  // namespace orch::mirror

#endif  // ORCH_MIRROR_MIRROR_POSITION_H_

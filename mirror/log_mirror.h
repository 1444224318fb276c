// LogMirror: publishes one store's log to a JetStream stream, each event
// exactly once, in order, and knows how far it got.
//
// Exactly once rests on three things: the message id is the event hash (a
// re-send within the stream's de-duplication window is acknowledged as a
// duplicate and not stored again); before publishing, the mirror asks the
// stream which of the project's events it holds and sends only the others
// (a re-send after the window would otherwise be stored twice); and every
// publish names the stream sequence the subject's last message must have
// (ExpectLastSubjectSeq, or an empty subject), so a message someone else
// put on one of the project's subjects, or a second mirror of the same
// project, is found (Aborted) instead of interleaved.
//
// How far it got is kept in a MirrorPosition file (mirror_position.h) and
// checked against the stream at every start: the message at the position's
// stream sequence must still be that event, and the stream must hold as
// many of the project's messages as the position counted plus those found
// after it. Otherwise the stream lost data (nats-server 2.9 syncs its files
// every two minutes: a crash loses the tail) and the mirror compares every
// message of the project with the log and re-sends what is missing.
//
// Thread safety: none. The store may be a reader (follower) instance.
#ifndef ORCH_MIRROR_LOG_MIRROR_H_
#define ORCH_MIRROR_LOG_MIRROR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "eventstore/env.h"
#include "eventstore/event_store.h"
#include "mirror/jetstream.h"
#include "mirror/mirror_position.h"

namespace orch::mirror {

struct MirrorOptions {
  std::string stream = "ORCH";
  std::string project;  // required: the subject token of every message
  std::string machine;  // the Orch-Machine header
  std::string position_path;
  // Progress and what was found (stream lost data, ...), one line each;
  // may be unset.
  std::function<void(const std::string&)> note;
  // Write the position after every this many published events (and at the
  // end of each Sync): bounds what a restart re-reads.
  uint64_t position_every = 1000;
};

struct SyncReport {
  uint64_t published = 0;   // stored by this sync
  uint64_t duplicates = 0;  // acknowledged as already stored (a re-send)
  uint64_t resent = 0;      // of `published`: below the position, lost by the stream
  uint64_t head_seq = 0;    // every local event up to here is in the stream
  bool stream_lost_data = false;
};

class LogMirror {
 public:
  // `store`, `js` and `env` are not owned and must outlive the mirror.
  LogMirror(const EventStore& store, JetStreamClient& js, Env& env, MirrorOptions options);

  // Publishes every event of the log the stream does not hold yet. The
  // first call (and the first after Reset) compares the stream with the
  // position; later calls publish what was appended since. Errors:
  // Unavailable (NATS unreachable or not answering: call Reset and retry),
  // Aborted (the stream holds a different event under one of the
  // project's subjects, or someone else wrote one of them), the store's.
  absl::StatusOr<SyncReport> Sync();

  // Forget what is known about the stream: the next Sync compares again
  // (after a lost connection nothing sent since the last ack is certain).
  void Reset() { reconciled_ = false; }

 private:
  absl::Status Reconcile(SyncReport& report);
  // Collects the project's messages from `from_stream_seq` on into found_.
  absl::Status CollectFound(uint64_t from_stream_seq);
  absl::StatusOr<uint64_t> ExpectedLastSeq(const std::string& subject);
  absl::Status SavePosition();

  const EventStore& store_;
  JetStreamClient& js_;
  Env& env_;
  MirrorOptions options_;

  bool reconciled_ = false;
  // What the stream holds of this project: every local event up to
  // `prefix_`, plus `found_` (local seq -> stream seq and hash).
  uint64_t prefix_ = 0;
  struct Found {
    uint64_t stream_seq = 0;
    std::string hash_hex;
  };
  std::map<uint64_t, Found> found_;
  // Subjects with messages at the last comparison, and the stream sequence
  // of each subject's last message once known.
  std::map<std::string, uint64_t> subject_counts_;
  std::map<std::string, uint64_t> subject_last_;
  uint64_t stream_count_ = 0;    // the project's messages in the stream
  std::string prefix_hash_hex_;  // of event prefix_ ("" until known)
  // The newest of the project's messages known, and the hash it carries.
  uint64_t newest_stream_seq_ = 0;
  std::string newest_stream_hash_;
  // Events up to here were in the stream once (the position said so).
  uint64_t lost_below_ = 0;
  MirrorPosition position_;  // the last one written (or read and confirmed)
  uint64_t since_saved_ = 0;
};

}  // namespace orch::mirror

#endif  // ORCH_MIRROR_LOG_MIRROR_H_

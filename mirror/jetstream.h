// JetStreamClient: the few JetStream operations the mirror and the team
// view need, over one nats.c connection (nats_handles.h owns the handles).
//
// Thread safety: one thread at a time (nats.c's own threads deliver to it).
// Errors as NatsError (nats_handles.h) maps them: Unavailable when the
// server cannot be reached or does not answer in time.
#ifndef ORCH_MIRROR_JETSTREAM_H_
#define ORCH_MIRROR_JETSTREAM_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "mirror/nats_handles.h"

namespace orch::mirror {

struct ConnectOptions {
  // nats://host:port, or several separated by commas; may carry
  // credentials (user:password@ or token@): errors show it redacted
  // (nats_url.h).
  std::string url;
  // true (--follow): Connect returns at once even when no server answers
  // (connected() says when one does), and the library retries the first
  // connect and reconnects for ever, every `reconnect_wait`, in the
  // background; false (--once, the team view): a server that cannot be
  // reached is an error (Unavailable) at once.
  bool keep_trying = false;
  absl::Duration reconnect_wait = absl::Milliseconds(500);
  // How long one attempt to connect waits (a host that drops packets).
  absl::Duration connect_timeout = absl::Seconds(2);
  // How long a request (a publish's ack, a stream look-up) waits.
  absl::Duration timeout = absl::Seconds(5);
};

struct StreamSettings {
  std::string name = "ORCH";
  std::string subjects = "orch.>";
  // JetStream's de-duplication window: a re-send with the same message id
  // within it is acknowledged as a duplicate and not stored again.
  absl::Duration duplicates = absl::Hours(24);
  int replicas = 1;
};

struct PublishRequest {
  std::string subject;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string data;
  std::string msg_id;
  // The stream sequence of the subject's last message, 0: the subject must
  // be empty. The server refuses (Aborted) when it holds something else.
  uint64_t expected_last_subject_seq = 0;
};

struct PublishAck {
  uint64_t stream_seq = 0;
  bool duplicate = false;  // the id was seen within the window: not stored again
};

struct StreamMessage {
  uint64_t stream_seq = 0;
  int64_t time_ns = 0;  // when the stream stored it (the server's clock)
  std::string subject;
  std::map<std::string, std::string> headers;
  std::string data;
};

struct StreamSummary {
  uint64_t first_seq = 0, last_seq = 0;
  uint64_t msgs = 0;  // the whole stream's
  // Messages per subject, for the subjects matching the filter asked for,
  // and their sum.
  std::map<std::string, uint64_t> subjects;
  uint64_t matching = 0;
};

class JetStreamClient {
 public:
  static absl::StatusOr<std::unique_ptr<JetStreamClient>> Connect(const ConnectOptions& options);

  // Creates the stream if it does not exist (file storage, limits
  // retention, `settings`); an existing stream is used as it is.
  absl::Status EnsureStream(const StreamSettings& settings);

  absl::StatusOr<PublishAck> Publish(const PublishRequest& request);

  // NotFound when the stream does not exist.
  absl::StatusOr<StreamSummary> Summary(const std::string& stream, const std::string& subject_filter);

  // The message at `seq`; nullopt when there is none (deleted or lost).
  absl::StatusOr<std::optional<StreamMessage>> Get(const std::string& stream, uint64_t seq);
  // The last message on the literal `subject`; nullopt when it has none.
  absl::StatusOr<std::optional<StreamMessage>> GetLast(const std::string& stream, const std::string& subject);

  // Visits, in stream order, every message matching `subject_filter` from
  // stream sequence `from_seq` on, as the stream holds them now, until
  // `visit` returns false (an ephemeral pull consumer, removed afterwards).
  // WARNING: when no message matches, it waits for the request's timeout
  // before it returns: ask Summary first.
  absl::Status ReadAll(const std::string& stream, const std::string& subject_filter, uint64_t from_seq,
                       const std::function<bool(const StreamMessage&)>& visit);

  // Whether the connection is up now (with keep_trying, false until the
  // first connect succeeds and while reconnecting).
  bool connected() const;

 private:
  JetStreamClient() = default;
  ConnectOptions options_;
  ConnectionPtr nc_;
  JsCtxPtr js_;
};

}  // namespace orch::mirror

#endif  // ORCH_MIRROR_JETSTREAM_H_

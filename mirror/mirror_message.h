// How one stored event travels through the stream: its subject, headers
// and body. The body is the whole stored value, sha256(record) ‖ record,
// so a reader of the stream can re-verify every project's chain without
// trusting the headers (they only index it).
//
//   subject  orch.<project>.<task>      (project-level events: orch.<project>.=project)
//   headers  Orch-Project, Orch-Machine, Orch-Seq (decimal), Orch-Hash (hex)
//   msg id   the event hash in hex      (JetStream drops a re-send within its window)
//
// Subject tokens may not hold '.', '*', '>' or white space: those bytes,
// '%' and anything outside printable ASCII are written %XX. A task id
// never holds '%' or '=', so the project-level token cannot collide.
#ifndef ORCH_MIRROR_MIRROR_MESSAGE_H_
#define ORCH_MIRROR_MIRROR_MESSAGE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "eventstore/logged_event.h"
#include "mirror/jetstream.h"

namespace orch::mirror {

inline constexpr char kSubjectRoot[] = "orch";
inline constexpr char kProjectToken[] = "=project";
inline constexpr char kHeaderProject[] = "Orch-Project";
inline constexpr char kHeaderMachine[] = "Orch-Machine";
inline constexpr char kHeaderSeq[] = "Orch-Seq";
inline constexpr char kHeaderHash[] = "Orch-Hash";

// `text` as one subject token (see above).
std::string SubjectToken(absl::string_view text);
// orch.<project>.> : every subject of one project.
std::string ProjectFilter(absl::string_view project);
// The subject of `task` in `project` ("" task: the project's own events).
std::string EventSubject(absl::string_view project, absl::string_view task);

// The message that carries `event` (read from the store, so verified).
PublishRequest MakeEventMessage(absl::string_view project, absl::string_view machine,
                                const LoggedEvent& event);

// What a message says about itself, checked against its body: the body's
// hash recomputed, the record parsed, and the headers and subject agreeing
// with the record. DataLoss naming what does not hold (a forged message).
struct ReceivedEvent {
  std::string project, machine;
  uint64_t stream_seq = 0;
  LoggedEvent event;  // owns its bytes
};
absl::StatusOr<ReceivedEvent> ParseEventMessage(const StreamMessage& message);

// The header's value, "" when absent.
std::string HeaderOf(const StreamMessage& message, const std::string& key);

}  // namespace orch::mirror

#endif  // ORCH_MIRROR_MIRROR_MESSAGE_H_

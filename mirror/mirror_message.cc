#include "mirror/mirror_message.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "eventstore/sha256.h"

namespace orch::mirror {

namespace {

bool PlainSubjectChar(unsigned char c) {
  return c > 0x20 && c < 0x7f && c != '.' && c != '*' && c != '>' && c != '%';
}

}  // namespace

std::string SubjectToken(absl::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (PlainSubjectChar(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

std::string ProjectFilter(absl::string_view project) {
  return absl::StrCat(kSubjectRoot, ".", SubjectToken(project), ".>");
}

std::string EventSubject(absl::string_view project, absl::string_view task) {
  return absl::StrCat(kSubjectRoot, ".", SubjectToken(project), ".",
                      task.empty() ? std::string(kProjectToken) : SubjectToken(task));
}

PublishRequest MakeEventMessage(absl::string_view project, absl::string_view machine, const LoggedEvent& e) {
  PublishRequest r;
  r.subject = EventSubject(project, e.task());
  const std::string hash_hex = ToHex(e.hash());
  r.headers = {{kHeaderProject, std::string(project)},
               {kHeaderMachine, std::string(machine)},
               {kHeaderSeq, absl::StrCat(e.seq())},
               {kHeaderHash, hash_hex}};
  r.data = absl::StrCat(e.hash(), e.record_bytes());
  r.msg_id = hash_hex;
  return r;
}

std::string HeaderOf(const StreamMessage& m, const std::string& key) {
  auto it = m.headers.find(key);
  return it == m.headers.end() ? "" : it->second;
}

absl::StatusOr<ReceivedEvent> ParseEventMessage(const StreamMessage& m) {
  const std::string project = HeaderOf(m, kHeaderProject);
  const std::string where = absl::StrCat("stream message ", m.stream_seq, " (", m.subject, ")");
  if (m.data.size() <= kHashSize) return absl::DataLossError(absl::StrCat(where, ": no record in the body"));
  const absl::string_view body(m.data);
  if (!Sha256Matches(body.substr(kHashSize), body.substr(0, kHashSize))) {
    return absl::DataLossError(absl::StrCat(where, ": the record does not hash to the hash it carries"));
  }
  auto parsed = LoggedEvent::Parse(body);
  if (!parsed.ok())
    return absl::DataLossError(absl::StrCat(where, ": not a record: ", parsed.status().message()));
  const LoggedEvent event = parsed->Own();
  uint64_t header_seq = 0;
  if (!absl::SimpleAtoi(HeaderOf(m, kHeaderSeq), &header_seq) || header_seq != event.seq()) {
    return absl::DataLossError(absl::StrCat(where, ": header Orch-Seq '", HeaderOf(m, kHeaderSeq),
                                            "' but the record is #", event.seq()));
  }
  if (HeaderOf(m, kHeaderHash) != ToHex(event.hash())) {
    return absl::DataLossError(absl::StrCat(where, ": header Orch-Hash does not match the record"));
  }
  if (project.empty()) return absl::DataLossError(absl::StrCat(where, ": no Orch-Project header"));
  if (m.subject != EventSubject(project, event.task())) {
    return absl::DataLossError(absl::StrCat(where, ": subject does not match project '", project,
                                            "' and task '", event.task(), "'"));
  }
  return ReceivedEvent{project, HeaderOf(m, kHeaderMachine), m.stream_seq, event};
}

}  // namespace orch::mirror

#include "mirror/mirror_position.h"

#include "absl/strings/str_cat.h"
#include "eventstore/atomic_file.h"
#include "mirror/mirror_message.h"
#include "nlohmann/json.hpp"

namespace orch::mirror {

std::string PositionPath(const std::string& store_dir, const std::string& stream) {
  return absl::StrCat(store_dir, "/mirror-", SubjectToken(stream), ".position");
}

absl::StatusOr<std::optional<MirrorPosition>> ReadPosition(Env& env, const std::string& path) {
  auto text = env.ReadFileNoFollow(path, 4096);
  // Missing, unreadable (another member of a shared store wrote it 0600)
  // or damaged: the mirror compares the whole stream with the log instead.
  if (!text.ok()) return std::nullopt;
  const auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  MirrorPosition p;
  try {
    p.stream = j.at("stream").get<std::string>();
    p.project = j.at("project").get<std::string>();
    p.seq = j.at("seq").get<uint64_t>();
    p.hash_hex = j.at("hash").get<std::string>();
    p.stream_seq = j.at("streamSeq").get<uint64_t>();
    p.stream_hash_hex = j.at("streamHash").get<std::string>();
    p.count = j.at("count").get<uint64_t>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  return p;
}

absl::Status WritePosition(Env& env, const std::string& path, const MirrorPosition& p) {
  const nlohmann::json j = {
      {"stream", p.stream}, {"project", p.project},      {"seq", p.seq},
      {"hash", p.hash_hex}, {"streamSeq", p.stream_seq}, {"streamHash", p.stream_hash_hex},
      {"count", p.count}};
  return WriteFileAtomically(env, path, j.dump() + "\n");
}

}  // namespace orch::mirror

#include "projections/render/timeline_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/display_text.h"
#include "base/time_text.h"

namespace orch {

namespace {

bool LooksLikeCommit(const std::string& s) {
  if (s.size() < 12) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string Short(const std::string& s) {
  if (LooksLikeCommit(s)) return s.substr(0, 10);
  if (s.size() <= 48) return s;
  size_t cut = 45;  // at a character boundary, not inside a UTF-8 sequence
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

bool NeedsQuotes(const std::string& s) { return s.find(' ') != std::string::npos || s.empty(); }

}  // namespace

std::string SummarizePayload(const nlohmann::json& payload, const EventTypeInfo* info, size_t max_fields) {
  // Schema order puts the telling fields (title, commit, verdict) first.
  std::vector<std::string> keys;
  if (info != nullptr) {
    for (const auto& f : info->fields) {
      if (payload.contains(f.name)) keys.push_back(f.name);
    }
  }
  for (const auto& [key, value] : payload.items()) {
    if (info == nullptr || info->FindField(key) == nullptr) keys.push_back(key);
  }
  std::string out;
  size_t shown = 0;
  for (const std::string& key : keys) {
    const nlohmann::json& value = payload[key];
    if (shown == max_fields) break;
    if (value.is_boolean() && !value.get<bool>()) continue;
    std::string text;
    if (value.is_string()) {
      const std::string s = Short(value.get<std::string>());
      text = NeedsQuotes(s) ? absl::StrCat("\"", s, "\"") : s;
    } else if (value.is_array()) {
      if (value.empty()) continue;
      std::string items;
      size_t n = 0;
      for (const auto& item : value) {
        if (n == 2) {
          absl::StrAppend(&items, " +", value.size() - 2);
          break;
        }
        absl::StrAppend(&items, n == 0 ? "" : " ",
                        item.is_string() ? Short(item.get<std::string>()) : item.dump());
        ++n;
      }
      text = absl::StrCat("[", items, "]");
    } else if (value.is_boolean()) {
      text = "yes";
    } else {
      text = value.dump();
    }
    absl::StrAppend(&out, out.empty() ? "" : " ", key, "=", text);
    ++shown;
  }
  return out;
}

std::string FormatTimelineLine(const LoggedEvent& e, const EventTypeInfo* info, const nlohmann::json& payload,
                               std::optional<int64_t> prev_time_ns, absl::TimeZone zone) {
  const std::string type_name =
      info != nullptr ? info->name : absl::StrCat("type-", static_cast<int>(e.type()));
  const std::string when = absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixNanos(e.time_ns()), zone);
  std::string gap = "";
  if (prev_time_ns) {
    // Backdated events (--at) can come after later ones: the gap is negative.
    const int64_t secs = (e.time_ns() - *prev_time_ns) / 1'000'000'000;
    gap = (secs < 0 ? "" : "+") + FormatDurationShort(secs);
  }
  const std::string task = e.task().empty() ? "-" : std::string(e.task());
  std::string line = absl::StrFormat("%s  %-8s #%-5d %-10s %-20s", when, gap, e.seq(), task, type_name);
  const std::string summary = SummarizePayload(payload, info);
  if (!summary.empty()) absl::StrAppend(&line, " ", summary);
  const auto& ev = e.event();
  if (ev.evidence() != nullptr && ev.evidence()->size() > 0) {
    absl::StrAppend(&line, " evidence=", ev.evidence()->str());
  }
  if (ev.note() != nullptr && ev.note()->size() > 0) absl::StrAppend(&line, "  \"", ev.note()->str(), "\"");
  if (ev.claim() != schema::Claim::reported)
    absl::StrAppend(&line, "  (", schema::EnumNameClaim(ev.claim()), ")");
  if (!e.anomaly().empty()) absl::StrAppend(&line, "  !! anomaly: ", std::string(e.anomaly()));
  // Notes, titles and ids are text from outside: no control character of
  // theirs reaches the terminal (the line's own text has none to escape).
  return EscapeForDisplay(line);
}

}  // namespace orch

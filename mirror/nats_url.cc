#include "mirror/nats_url.h"

#include "absl/strings/str_cat.h"

namespace orch::mirror {

std::string RedactNatsUrl(absl::string_view urls) {
  std::string out;
  size_t copied = 0;  // urls[0, copied) is in `out`
  // The userinfo ending at an '@' starts after the nearest "://" before it
  // (else at the start). Taking every '@', not the first, matches nats.c,
  // which splits at the last one (an unescaped '@' in a password), and
  // leaves no part of a secret out. A ',' inside that span may be part of
  // the password, so it is redacted too; but where the span begins at an
  // earlier '@', the text up to a ',' is that server's host and port.
  for (size_t at = urls.find('@'); at != absl::string_view::npos; at = urls.find('@', at + 1)) {
    size_t start = urls.rfind("://", at);
    start = start == absl::string_view::npos ? 0 : start + 3;
    if (start < copied) {
      start = copied;
      const size_t comma = urls.rfind(',', at);
      if (comma != absl::string_view::npos && comma >= copied) start = comma + 1;
    }
    const absl::string_view info = urls.substr(start, at - start);
    absl::StrAppend(&out, urls.substr(copied, start - copied));
    const size_t colon = info.find(':');
    if (colon != absl::string_view::npos)
      absl::StrAppend(&out, info.substr(0, colon + 1));  // the user's name
    out += "***@";
    copied = at + 1;
  }
  absl::StrAppend(&out, urls.substr(copied));
  return out;
}

}  // namespace orch::mirror

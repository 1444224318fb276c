// How a NATS URL is shown: without its credentials.
//
// A --nats URL may carry them (nats://alice:s3cr3t@host:4222, or a token:
// nats://s3cr3t@host:4222), and every line that names the server (an
// error, "waiting for NATS", a log) would print them to a terminal, a CI
// log or a journal. Each place that shows a URL shows RedactNatsUrl's.
#ifndef ORCH_MIRROR_NATS_URL_H_
#define ORCH_MIRROR_NATS_URL_H_

#include <string>

#include "absl/strings/string_view.h"

namespace orch::mirror {

// `urls` (one URL or several, comma-separated) with what precedes each '@'
// of an authority replaced: a user keeps its name (nats://alice:***@host:4222),
// a token goes whole (nats://***@host:4222). A password holding '@', ':'
// or ',' is hidden whole too: where the text is ambiguous, a host may be
// hidden with it, never a secret shown. URLs without credentials come back
// unchanged.
std::string RedactNatsUrl(absl::string_view urls);

}  // namespace orch::mirror

#endif  // ORCH_MIRROR_NATS_URL_H_

// `orch serve --http HOST:PORT`: the live status page and JSON endpoints,
// served by cpp-httplib on threads of its own.
//
//   GET /              status.html (projections/render/status_html.h) plus
//                      a small inline script that follows /live (server-
//                      sent events) and swaps the page's body in place
//   GET /live          text/event-stream: an "update" event carrying the
//                      new page body each time the log grows
//   GET /ledger.json   the ledger (docs/ledger.md)
//   GET /status.json   `orch status --format json`
//   GET /events?since=SEQ[&follow=1]   events after SEQ as JSON lines
//                      (`orch replay --format jsonl`); follow=1 keeps
//                      streaming new ones
//   GET /healthz       {"ok":true,"head":N}
//
// Binds to loopback unless told otherwise; a non-loopback bind needs a
// token, and then every request must carry it (Authorization: Bearer T,
// or ?token=T for a browser's first visit): 401 otherwise. Without a token
// only a loopback Host or the bound address is answered (403 otherwise: a
// DNS-rebinding page sends its own name).
//
// One client cannot starve the rest: a request's headers must be complete
// within 10 s (HttpConnections), at most 32 streams are open at once (503
// with Retry-After beyond), a stream notices its client leaving within a
// second, and a connection gets a thread of its own (GrowingThreadPool), so
// /healthz answers beside slow clients and open streams.
#ifndef ORCH_SERVER_HTTP_FRONTEND_H_
#define ORCH_SERVER_HTTP_FRONTEND_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "eventstore/event_store.h"
#include "schema/event_schema.h"
#include "server/server.h"

namespace orch::server {

class HttpFrontend {
 public:
  // Listens on `bind` (HOST:PORT; port 0 picks a free one). InvalidArgument
  // for a malformed address or a non-loopback one without a token;
  // Unavailable when it cannot listen. `store`, `heads` must outlive it.
  static absl::StatusOr<std::unique_ptr<HttpFrontend>> Start(const std::string& bind,
                                                             const std::string& token, EventStore& store,
                                                             HeadWatch& heads);
  virtual ~HttpFrontend() = default;
  // http://HOST:PORT
  virtual std::string url() const = 0;
  // Stops listening and ends open streams.
  virtual void Stop() = 0;
};

// The checks Start makes before listening: a well-formed HOST:PORT, and a
// token for a non-loopback host (InvalidArgument naming the value).
absl::Status CheckHttpBind(const std::string& bind, const std::string& token);

// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost).
bool IsLoopbackHost(const std::string& host);

}  // namespace orch::server

#endif  // ORCH_SERVER_HTTP_FRONTEND_H_

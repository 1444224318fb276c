// The live status page: status.html as projections/render/status_html.h
// renders it, plus one small inline script (no external script, no
// network but the page's own /live stream) that follows the server-sent
// events and swaps the page's body in place: no reload, scroll kept.
#ifndef ORCH_SERVER_LIVE_PAGE_H_
#define ORCH_SERVER_LIVE_PAGE_H_

#include <cstdint>
#include <string>

namespace orch::server {

// `html` (a whole status.html) with the live script in its head. The
// script counts the updates it applied in <html data-live-updates="N">,
// keeps <html data-seq> at the log head the page shows and <html
// data-live> at "open" while the stream is connected (tests read them).
std::string LivePage(const std::string& html, uint64_t seq);

}  // namespace orch::server

#endif  // ORCH_SERVER_LIVE_PAGE_H_

#include "server/live_page.h"

#include "absl/strings/str_cat.h"

namespace orch::server {

namespace {

// Reads the token the page was opened with (?token=T) so the stream
// carries it too; the page's own data goes in as text, never as markup it
// did not render itself.
constexpr char kScript[] = R"(<script>
(function () {
  var root = document.documentElement, updates = 0;
  // Times in the viewer's zone, named, to the second.
  function localTimes() {
    var fmt = new Intl.DateTimeFormat(undefined, {year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZoneName: 'short'});
    document.querySelectorAll('time[datetime]').forEach(function (t) {
      var d = new Date(t.getAttribute('datetime'));
      if (!isNaN(d)) { t.textContent = fmt.format(d); t.title = t.getAttribute('datetime'); }
    });
  }
  document.addEventListener('DOMContentLoaded', localTimes);
  var token = new URLSearchParams(location.search).get('token');
  var url = 'live?since=' + root.getAttribute('data-seq') + (token ? '&token=' + encodeURIComponent(token) : '');
  var source = new EventSource(url);
  source.onopen = function () { root.setAttribute('data-live', 'open'); };
  source.onerror = function () { root.setAttribute('data-live', 'retrying'); };
  source.addEventListener('update', function (ev) {
    var d = JSON.parse(ev.data);
    var next = new DOMParser().parseFromString(d.page, 'text/html');
    document.body.innerHTML = next.body.innerHTML;
    localTimes();
    updates += 1;
    root.setAttribute('data-seq', String(d.seq));
    root.setAttribute('data-live-updates', String(updates));
  });
})();
</script>
)";

}  // namespace

std::string LivePage(const std::string& html, uint64_t seq) {
  std::string page = html;
  const std::string open = "<html";
  if (size_t at = page.find(open); at != std::string::npos) {
    page.insert(at + open.size(), absl::StrCat(" data-seq=\"", seq, "\" data-live-updates=\"0\""));
  }
  if (size_t at = page.find("</head>"); at != std::string::npos) page.insert(at, kScript);
  return page;
}

}  // namespace orch::server

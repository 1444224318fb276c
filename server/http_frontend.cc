#include "server/http_frontend.h"

#include <arpa/inet.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "formats/event_json.h"
#include "httplib.h"
#include "projections/model_loader.h"
#include "projections/render/ledger_json.h"
#include "projections/render/status_html.h"
#include "projections/render/status_json.h"
#include "projections/status_view.h"
#include "server/growing_thread_pool.h"
#include "server/http_connections.h"
#include "server/live_page.h"

namespace orch::server {

namespace {

constexpr int64_t kWindowNs = int64_t{12} * 3600 * 1'000'000'000;  // "since": the last 12 hours

// What one client can hold, and for how long (docs/ARCHITECTURE.md, "The
// HTTP front"): a request's line and headers must be complete within
// kHeaderDeadline of connecting or of the previous answer; at most
// kMaxStreams /live and /events?follow=1 streams at once (503 beyond); a
// stream looks for its client every kStreamSlice; connections beyond
// kMaxThreads wait for a thread.
constexpr absl::Duration kHeaderDeadline = absl::Seconds(10);
constexpr absl::Duration kWatchInterval = absl::Milliseconds(250);
constexpr int kMaxStreams = 32;
constexpr absl::Duration kStreamSlice = absl::Seconds(1);
constexpr int kKeepAliveSlices = 15;  // a comment line down /live this often
constexpr size_t kMaxThreads = 512;
constexpr time_t kIoTimeoutSeconds = 5;

int64_t NowNs() { return absl::ToUnixNanos(absl::Now()); }

std::string PeerOf(const httplib::Request& req) {
  return HttpConnections::PeerKey(req.remote_addr, req.remote_port);
}

// The host part of a Host header ("example:8080", "[::1]:8080"), lower case.
std::string HostOfHeader(const std::string& header) {
  std::string host = absl::AsciiStrToLower(header);
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    return close == std::string::npos ? host : host.substr(1, close - 1);
  }
  const size_t colon = host.find(':');
  if (colon != std::string::npos && host.find(':', colon + 1) == std::string::npos) host.resize(colon);
  return host;
}

// Holds one of the kMaxStreams places while a stream's provider lives.
class StreamSlot {
 public:
  static std::shared_ptr<StreamSlot> Take(std::atomic<int>& open) {
    int n = open.load();
    do {
      if (n >= kMaxStreams) return nullptr;
    } while (!open.compare_exchange_weak(n, n + 1));
    return std::shared_ptr<StreamSlot>(new StreamSlot(open));
  }
  ~StreamSlot() { open_.fetch_sub(1); }

 private:
  explicit StreamSlot(std::atomic<int>& open) : open_(open) {}
  std::atomic<int>& open_;
};

struct HostPort {
  std::string host;
  int port = 0;
};

absl::StatusOr<HostPort> ParseBind(const std::string& bind) {
  const size_t colon = bind.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad --http '", bind, "': give HOST:PORT, e.g. 127.0.0.1:8080"));
  }
  HostPort hp;
  hp.host = bind.substr(0, colon);
  if (hp.host.size() > 2 && hp.host.front() == '[' && hp.host.back() == ']')
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  if (!absl::SimpleAtoi(bind.substr(colon + 1), &hp.port) || hp.port < 0 || hp.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("bad --http '", bind, "': the port must be 0 to 65535"));
  }
  return hp;
}

class Frontend : public HttpFrontend {
 public:
  Frontend(std::string token, EventStore& store, HeadWatch& heads)
      : token_(std::move(token)), store_(store), heads_(heads) {}
  ~Frontend() override { Stop(); }

  absl::Status Listen(const HostPort& hp) {
    SetLimitsAndChecks();
    AddPageRoutes();
    AddLiveRoute();
    AddEventsRoute();
    if (hp.port == 0) {
      port_ = svr_.bind_to_any_port(hp.host);
      if (port_ <= 0) return absl::UnavailableError(absl::StrCat("cannot listen on ", hp.host));
    } else {
      if (!svr_.bind_to_port(hp.host, hp.port)) {
        return absl::UnavailableError(absl::StrCat("cannot listen on ", hp.host, ":", hp.port));
      }
      port_ = hp.port;
    }
    host_ = hp.host;
    connections_ = std::make_unique<HttpConnections>(port_, kHeaderDeadline, kWatchInterval);
    connections_->Start();
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    return absl::OkStatus();
  }

  std::string url() const override {
    return absl::StrCat("http://", host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_, ":",
                        port_);
  }

  void Stop() override {
    if (stopping_.exchange(true)) return;
    svr_.stop();
    // Slow clients are cut so their threads end; streams end within a slice.
    if (connections_ != nullptr) connections_->Stop(/*drop=*/true);
    if (thread_.joinable()) thread_.join();
  }

 private:
  // Bounded threads, timeouts and request sizes, and the checks every
  // request passes before its route (Host, token).
  void SetLimitsAndChecks() {
    svr_.new_task_queue = [] { return new GrowingThreadPool(kMaxThreads, absl::Seconds(30)); };
    svr_.set_read_timeout(kIoTimeoutSeconds, 0);
    svr_.set_write_timeout(kIoTimeoutSeconds, 0);
    svr_.set_keep_alive_timeout(kIoTimeoutSeconds);
    svr_.set_payload_max_length(size_t{64} << 10);  // every route is a GET
    svr_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      connections_->RequestBegan(PeerOf(req));
      if (!HostAllowed(req)) {
        res.status = 403;
        res.set_content(
            absl::StrCat("Host '", req.get_header_value("Host"), "' is not this server's name: open ", url(),
                         "/ (a name that resolves here may be a DNS-rebinding page; "
                         "serve with --token to allow other names)\n"),
            "text/plain");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (Authorized(req)) return httplib::Server::HandlerResponse::Unhandled;
      res.status = 401;
      res.set_header("WWW-Authenticate", "Bearer");
      res.set_content("a token is required (Authorization: Bearer TOKEN or ?token=TOKEN)\n", "text/plain");
      return httplib::Server::HandlerResponse::Handled;
    });
    svr_.set_logger([this](const httplib::Request& req, const httplib::Response&) {
      connections_->RequestEnded(PeerOf(req));
    });
    svr_.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      res.status = 500;
      res.set_content("internal error\n", "text/plain");
    });
  }

  void AddPageRoutes() {
    svr_.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(nlohmann::json({{"ok", true}, {"head", store_.head().seq}}).dump() + "\n",
                      "application/json");
    });
    svr_.Get("/ledger.json", [this](const httplib::Request&, httplib::Response& res) {
      auto model = Model();
      if (!model.ok()) return Fail(res, model.status());
      res.set_content(RenderLedgerJson(*model), "application/json");
    });
    svr_.Get("/status.json", [this](const httplib::Request&, httplib::Response& res) {
      auto model = Model();
      if (!model.ok()) return Fail(res, model.status());
      const int64_t now = NowNs();
      res.set_content(RenderStatusJson(BuildStatusView(*model, now, now - kWindowNs)), "application/json");
    });
    svr_.Get("/", [this](const httplib::Request& req, httplib::Response& res) {
      auto page = Page();
      if (!page.ok()) return Fail(res, page.status());
      res.set_header("Cache-Control", "no-store");
      res.set_content(*page, "text/html; charset=utf-8");
    });
  }

  // /live: the page again (server-sent events) each time the head moves.
  void AddLiveRoute() {
    svr_.Get("/live", [this](const httplib::Request& req, httplib::Response& res) {
      uint64_t since = 0;
      if (req.has_param("since") && !absl::SimpleAtoi(req.get_param_value("since"), &since)) {
        return BadRequest(res, "bad since: give a sequence number");
      }
      std::shared_ptr<StreamSlot> slot = StreamSlot::Take(streams_);
      if (slot == nullptr) return TooManyStreams(res);
      res.set_header("Cache-Control", "no-store");
      auto seen = std::make_shared<uint64_t>(since);
      auto quiet = std::make_shared<int>(0);
      const std::string peer = PeerOf(req);
      connections_->Track(peer);
      res.set_chunked_content_provider(
          "text/event-stream", [this, seen, quiet, slot, peer](size_t, httplib::DataSink& sink) {
            const uint64_t head = heads_.WaitPast(*seen, kStreamSlice);
            if (heads_.closed() || stopping_) {
              sink.done();
              return false;
            }
            if (head <= *seen) {
              if (connections_->Gone(peer)) return false;
              if (++*quiet < kKeepAliveSlices) return true;
            }
            *quiet = 0;
            std::string chunk = ": keep-alive\n\n";
            if (head > *seen) {
              auto page = Page();
              if (page.ok()) {
                chunk = absl::StrCat(
                    "event: update\ndata: ", nlohmann::json({{"seq", head}, {"page", *page}}).dump(), "\n\n");
                *seen = head;
              }
            }
            return sink.write(chunk.data(), chunk.size());
          });
    });
  }

  // /events: the log as JSON lines from ?since=, and with ?follow=1 as it grows.
  void AddEventsRoute() {
    svr_.Get("/events", [this](const httplib::Request& req, httplib::Response& res) {
      uint64_t since = 0;
      if (req.has_param("since") && !absl::SimpleAtoi(req.get_param_value("since"), &since)) {
        return BadRequest(res, "bad since: give a sequence number, e.g. /events?since=120");
      }
      const std::string follow = req.has_param("follow") ? req.get_param_value("follow") : "0";
      if (follow != "0" && follow != "1") return BadRequest(res, "bad follow: give 0 or 1");
      if (follow == "0") {
        auto lines = EventLines(since);
        if (!lines.ok()) return Fail(res, lines.status());
        res.set_content(lines->first, "application/x-ndjson");
        return;
      }
      std::shared_ptr<StreamSlot> slot = StreamSlot::Take(streams_);
      if (slot == nullptr) return TooManyStreams(res);
      auto seen = std::make_shared<uint64_t>(since);
      const std::string peer = PeerOf(req);
      connections_->Track(peer);
      res.set_chunked_content_provider("application/x-ndjson",
                                       [this, seen, slot, peer](size_t, httplib::DataSink& sink) {
                                         const uint64_t head = store_.head().seq;
                                         if (head <= *seen) heads_.WaitPast(*seen, kStreamSlice);
                                         if (heads_.closed() || stopping_) {
                                           sink.done();
                                           return false;
                                         }
                                         auto lines = EventLines(*seen);
                                         if (!lines.ok()) return false;
                                         if (lines->first.empty()) return !connections_->Gone(peer);
                                         *seen = lines->second;
                                         return sink.write(lines->first.data(), lines->first.size());
                                       });
    });
  }

  // Without a token, only a loopback name or the bound address: a page on
  // another site that rebinds its own name to 127.0.0.1 sends that name.
  bool HostAllowed(const httplib::Request& req) const {
    if (!token_.empty() || !req.has_header("Host")) return true;
    const std::string host = HostOfHeader(req.get_header_value("Host"));
    return IsLoopbackHost(host) || host == absl::AsciiStrToLower(host_);
  }

  static void TooManyStreams(httplib::Response& res) {
    res.status = 503;
    res.set_header("Retry-After", "10");
    res.set_content(absl::StrCat("too many open streams (", kMaxStreams,
                                 "): close one, or poll /events?since=SEQ instead\n"),
                    "text/plain");
  }

  bool Authorized(const httplib::Request& req) const {
    if (token_.empty()) return true;
    const std::string auth = req.get_header_value("Authorization");
    if (auth == "Bearer " + token_) return true;
    return req.has_param("token") && req.get_param_value("token") == token_;
  }

  static void BadRequest(httplib::Response& res, const std::string& why) {
    res.status = 400;
    res.set_content(why + "\n", "text/plain");
  }

  static void Fail(httplib::Response& res, const absl::Status& s) {
    res.status = 503;
    res.set_content(absl::StrCat(s.message(), "\n"), "text/plain");
  }

  absl::StatusOr<ProjectModel> Model() {
    LoadOptions lo;
    return LoadProjectModel(store_, lo);
  }

  absl::StatusOr<std::string> Page() {
    auto model = Model();
    if (!model.ok()) return model.status();
    const int64_t now = NowNs();
    const StatusView view = BuildStatusView(*model, now, now - kWindowNs);
    return LivePage(RenderStatusHtml(*model, view), view.head_seq);
  }

  // Events after `since` as JSON lines, and the last seq in them.
  absl::StatusOr<std::pair<std::string, uint64_t>> EventLines(uint64_t since) {
    if (since == UINT64_MAX) return std::make_pair(std::string(), since);  // nothing is after it
    std::lock_guard<std::mutex> l(schema_mu_);
    if (schema_ == nullptr) {
      auto s = EventSchema::Load();
      if (!s.ok()) return s.status();
      schema_ = *std::move(s);
    }
    EventQuery q;
    q.from_seq = since + 1;
    q.to_seq = UINT64_MAX;
    std::string out;
    uint64_t last = since;
    absl::Status bad;
    absl::Status s = store_.Scan(q, [&](const LoggedEvent& e) {
      auto j = LoggedEventToJson(*schema_, e);
      if (!j.ok()) {
        bad = j.status();
        return false;
      }
      absl::StrAppend(&out, j->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "\n");
      last = e.seq();
      return out.size() < (size_t{4} << 20);  // a long log goes out in parts
    });
    if (!s.ok()) return s;
    if (!bad.ok()) return bad;
    return std::make_pair(std::move(out), last);
  }

  const std::string token_;
  EventStore& store_;
  HeadWatch& heads_;
  httplib::Server svr_;
  std::string host_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> streams_{0};
  std::unique_ptr<HttpConnections> connections_;
  std::mutex schema_mu_;  // EventSchema is not thread-safe
  std::unique_ptr<EventSchema> schema_;
};

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  // Parsed, not matched by prefix: "127.evil.example" is a name anyone can
  // point anywhere.
  const std::string h = absl::AsciiStrToLower(host);
  if (h == "localhost" || h == "localhost.") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return ::inet_pton(AF_INET6, h.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

absl::Status CheckHttpBind(const std::string& bind, const std::string& token) {
  absl::StatusOr<HostPort> hp = ParseBind(bind);
  if (!hp.ok()) return hp.status();
  if (!IsLoopbackHost(hp->host) && token.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--http ", bind,
                                                   " is not a loopback address: pass --token T, and every "
                                                   "request must then carry it"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<HttpFrontend>> HttpFrontend::Start(const std::string& bind,
                                                                  const std::string& token, EventStore& store,
                                                                  HeadWatch& heads) {
  if (absl::Status s = CheckHttpBind(bind, token); !s.ok()) return s;
  absl::StatusOr<HostPort> hp = ParseBind(bind);
  auto f = std::make_unique<Frontend>(token, store, heads);
  if (absl::Status s = f->Listen(*hp); !s.ok()) return s;
  return std::unique_ptr<HttpFrontend>(std::move(f));
}

}  // namespace orch::server

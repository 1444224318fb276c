// The HTTP front under hostile clients (issue 19, items 3 to 5), over real
// TCP against the real `orch serve --http`: the top of the seq range, a
// DNS-rebinding Host, slow clients and open streams. /healthz must keep
// answering under each load and emits keep being acknowledged; how fast
// it answers is measured (tools/bench_serve, docs/benchmarks.md), not
// asserted here.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "server/http_frontend.h"
#include "tests/serve/serve_support.h"

namespace orch::testing {
namespace {

struct Front {
  std::string host;
  int port = 0;
};

Front FrontOf(const std::string& url) {
  auto [host, port] = HostPortOf(url);
  return {host, port};
}

int Connect(const Front& f) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(f.port));
  ::inet_pton(AF_INET, f.host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool Send(int fd, const std::string& s) {
  return ::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == ssize_t(s.size());
}

// What arrives on `fd` within `wait` (until the peer closes or it stops).
std::string ReadFor(int fd, std::chrono::milliseconds wait, bool* closed = nullptr) {
  std::string got;
  const auto end = std::chrono::steady_clock::now() + wait;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) {
      if (closed != nullptr) *closed = true;
      break;
    }
    got.append(buf, static_cast<size_t>(n));
    if (closed == nullptr && got.find("\r\n\r\n") != std::string::npos) break;  // the head is enough
  }
  return got;
}

class HttpHostileTest : public ServeFixture {
 protected:
  // GET /healthz on a fresh connection; the status, or -1 when no answer
  // came within `timeout` (far above what it takes when the server is free).
  static int Health(const Front& f, int timeout_s = 5) {
    httplib::Client c(f.host, f.port);
    c.set_connection_timeout(timeout_s, 0);
    c.set_read_timeout(timeout_s, 0);
    auto r = c.Get("/healthz");
    return r ? r->status : -1;
  }
};

TEST_F(HttpHostileTest, TheTopOfTheSeqRangeIsPastTheHeadNotBeforeIt) {
  ASSERT_EQ(Orch(store_, {"emit", "note", "--task", "T1", "--text", "one"}).exit_code, 0);
  ServerProcess server(store_, {"--http", "127.0.0.1:0"});
  ASSERT_TRUE(server.running());
  const Front f = FrontOf(server.url());
  httplib::Client c(f.host, f.port);
  auto all = c.Get("/events?since=0");
  ASSERT_TRUE(all);
  EXPECT_NE(all->body, "");
  for (const char* since : {"18446744073709551615", "18446744073709551614", "2"}) {
    auto r = c.Get(absl::StrCat("/events?since=", since));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << since;
    EXPECT_EQ(r->body, "") << since;
  }
  auto over = c.Get("/events?since=18446744073709551616");
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 400);
}

TEST_F(HttpHostileTest, WithoutATokenOnlyLoopbackHostNamesAreAnswered) {
  EXPECT_TRUE(server::IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(server::IsLoopbackHost("127.1.2.3"));
  EXPECT_TRUE(server::IsLoopbackHost("LocalHost"));
  EXPECT_TRUE(server::IsLoopbackHost("::1"));
  EXPECT_FALSE(server::IsLoopbackHost("127.evil.example"));
  EXPECT_FALSE(server::IsLoopbackHost("127.0.0.1.evil.example"));
  EXPECT_FALSE(server::IsLoopbackHost("evil.example"));
  EXPECT_FALSE(server::IsLoopbackHost("10.0.0.1"));

  ASSERT_EQ(Orch(store_, {"emit", "note", "--task", "T1", "--text", "private"}).exit_code, 0);
  ServerProcess server(store_, {"--http", "127.0.0.1:0"});
  ASSERT_TRUE(server.running());
  const Front f = FrontOf(server.url());
  httplib::Client c(f.host, f.port);
  for (const std::string host :
       std::vector<std::string>{"evil.example", absl::StrCat("evil.example:", f.port), "127.evil.example"}) {
    auto r = c.Get("/ledger.json", {{"Host", host}});
    ASSERT_TRUE(r) << host;
    EXPECT_EQ(r->status, 403) << host;
    EXPECT_EQ(r->body.find("private"), std::string::npos) << host;
    EXPECT_NE(r->body.find(host), std::string::npos) << r->body;
  }
  for (const std::string host : std::vector<std::string>{absl::StrCat("127.0.0.1:", f.port),
                                                         absl::StrCat("localhost:", f.port), "LOCALHOST"}) {
    auto r = c.Get("/events?since=0", {{"Host", host}});
    ASSERT_TRUE(r) << host;
    EXPECT_EQ(r->status, 200) << host;
    EXPECT_NE(r->body.find("private"), std::string::npos) << host;
  }
}

TEST_F(HttpHostileTest, WithATokenAnyHostNameIsAnsweredWhenTheTokenIs) {
  ServerProcess server(store_, {"--http", "127.0.0.1:0", "--token", "t0k"});
  ASSERT_TRUE(server.running());
  const Front f = FrontOf(server.url());
  httplib::Client c(f.host, f.port);
  auto named = c.Get("/healthz", {{"Host", "orch.example"}, {"Authorization", "Bearer t0k"}});
  ASSERT_TRUE(named);
  EXPECT_EQ(named->status, 200);
  auto anonymous = c.Get("/healthz", {{"Host", "orch.example"}});
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
}

// 100 clients that send one header byte every half second: /healthz and
// emits are still answered, and each slow client is cut once it has taken
// longer than the header deadline (10 s) over its headers.
TEST_F(HttpHostileTest, SlowHeaderClientsAreCutAndStarveNobody) {
  ServerProcess server(store_, {"--http", "127.0.0.1:0"});
  ASSERT_TRUE(server.running());
  const Front f = FrontOf(server.url());
  std::vector<int> slow;
  for (int i = 0; i < 100; ++i) {
    const int fd = Connect(f);
    ASSERT_GE(fd, 0);
    slow.push_back(fd);
  }
  std::atomic<bool> stop{false};
  std::atomic<int> cut{0};
  std::thread trickle([&] {
    const std::string line =
        "GET /healthz HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    std::vector<bool> alive(slow.size(), true);
    for (size_t k = 0; !stop; ++k) {
      for (size_t i = 0; i < slow.size(); ++i) {
        if (alive[i] && !Send(slow[i], std::string(1, line[k % line.size()]))) {
          alive[i] = false;
          ++cut;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });
  std::this_thread::sleep_for(std::chrono::seconds(2));  // every slow client holds a connection now
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(Health(f), 200) << "round " << round;
    RunResult r = Emit({"note", "--task", "S", "--text", absl::StrCat("under load ", round)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  // The deadline: each slow client's connection is closed by the server.
  for (int i = 0; i < 200 && cut < 100; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  trickle.join();
  EXPECT_EQ(cut.load(), 100);
  for (int fd : slow) ::close(fd);
  EXPECT_EQ(Health(f), 200);
}

// Streams are capped (a clear 503 beyond), a stream does not keep /healthz
// waiting, and a client that leaves gives its place back within seconds.
TEST_F(HttpHostileTest, OpenStreamsAreCappedAndAbandonedOnesFreeTheirPlace) {
  ServerProcess server(store_, {"--http", "127.0.0.1:0"});
  ASSERT_TRUE(server.running());
  const Front f = FrontOf(server.url());
  const std::string live = "GET /live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  std::vector<int> streams;
  int ok = 0, refused = 0;
  for (int i = 0; i < 40; ++i) {
    const int fd = Connect(f);
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(Send(fd, i % 2 ? live : "GET /events?since=0&follow=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    const std::string head = ReadFor(fd, std::chrono::seconds(5));
    if (head.rfind("HTTP/1.1 200", 0) == 0) {
      ++ok;
      streams.push_back(fd);
    } else {
      EXPECT_EQ(head.rfind("HTTP/1.1 503", 0), 0u) << head;
      EXPECT_NE(head.find("Retry-After"), std::string::npos) << head;
      ++refused;
      ::close(fd);
    }
  }
  EXPECT_EQ(ok, 32);
  EXPECT_EQ(refused, 8);
  EXPECT_EQ(Health(f), 200);
  RunResult emitted = Emit({"note", "--task", "L", "--text", "while streaming"});
  EXPECT_EQ(emitted.exit_code, 0) << emitted.err;

  // Every stream's client leaves without a word; their places come back:
  // 32 new streams are taken (each kept once it is in) within seconds.
  for (int fd : streams) ::close(fd);
  std::vector<int> again;
  std::string head;
  for (int i = 0; i < 150 && again.size() < 32; ++i) {
    const int fd = Connect(f);
    ASSERT_GE(fd, 0);
    Send(fd, live);
    head = ReadFor(fd, std::chrono::seconds(5));
    if (head.rfind("HTTP/1.1 200", 0) == 0) {
      again.push_back(fd);
      continue;
    }
    ::close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(again.size(), 32u) << head;
  for (int fd : again) ::close(fd);
  EXPECT_EQ(Health(f), 200);
}

}  // namespace
}  // namespace orch::testing

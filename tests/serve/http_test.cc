// orch serve --http: the JSON endpoints and the token rules, over real TCP.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/serve/serve_support.h"

namespace orch::testing {
namespace {

class HttpTest : public ServeFixture {};

TEST_F(HttpTest, ANonLoopbackBindWithoutATokenIsRefusedAtStart) {
  RunResult r = Orch(store_, {"serve", "--http", "0.0.0.0:0"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--token"), std::string::npos) << r.err;
  EXPECT_EQ(ServerPid(), 0);
  RunResult bad = Orch(store_, {"serve", "--http", "localhost"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

TEST_F(HttpTest, EveryRequestMustCarryTheToken) {
  ServerProcess server(store_, {"--http", "127.0.0.1:0", "--token", "s3cret"});
  ASSERT_TRUE(server.running());
  auto [host, port] = HostPortOf(server.url());
  httplib::Client c(host, port);
  auto none = c.Get("/healthz");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  auto wrong = c.Get("/ledger.json", {{"Authorization", "Bearer nope"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto bearer = c.Get("/healthz", {{"Authorization", "Bearer s3cret"}});
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->status, 200);
  auto query = c.Get("/?token=s3cret");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->status, 200);
  EXPECT_NE(query->body.find("orch status"), std::string::npos);
}

TEST_F(HttpTest, EndpointsServeTheLogAndMalformedRequestsGet4xx) {
  ASSERT_EQ(Orch(store_, {"lane", "open", "web"}).exit_code, 0);
  ASSERT_EQ(Orch(store_, {"emit", "dispatched", "--task", "T1", "--title", "First", "--package-id", "web"})
                .exit_code,
            0);
  ServerProcess server(store_, {"--http", "127.0.0.1:0"});
  ASSERT_TRUE(server.running());
  auto [host, port] = HostPortOf(server.url());
  httplib::Client c(host, port);

  auto health = c.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(nlohmann::json::parse(health->body)["head"], 3);  // init, the lane, T1

  // Garbage on the wire: a 400, and the server serves on.
  {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    const std::string junk = "THIS IS NOT HTTP\r\n\r\n";
    ASSERT_EQ(::write(fd, junk.data(), junk.size()), static_cast<ssize_t>(junk.size()));
    char buf[256] = {};
    const ssize_t n = ::read(fd, buf, sizeof(buf) - 1);
    ::close(fd);
    ASSERT_GT(n, 0);
    EXPECT_EQ(std::string(buf).substr(0, 12), "HTTP/1.1 400");
  }
  auto bad_since = c.Get("/events?since=abc");
  ASSERT_TRUE(bad_since);
  EXPECT_EQ(bad_since->status, 400);
  auto bad_follow = c.Get("/events?since=0&follow=yes");
  ASSERT_TRUE(bad_follow);
  EXPECT_EQ(bad_follow->status, 400);
  auto missing = c.Get("/nothing-here");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);

  // The ledger is the one `orch ledger` prints.
  auto ledger = c.Get("/ledger.json");
  ASSERT_TRUE(ledger);
  EXPECT_EQ(ledger->status, 200);
  RunResult direct = Orch(store_, {"ledger"});
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  EXPECT_EQ(nlohmann::json::parse(ledger->body)["tasks"], nlohmann::json::parse(direct.out)["tasks"]);
  auto status = c.Get("/status.json");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200);
  EXPECT_TRUE(nlohmann::json::parse(status->body).is_object());

  auto events = c.Get("/events?since=2");
  ASSERT_TRUE(events);
  std::vector<std::string> lines = absl::StrSplit(events->body, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["task"], "T1");

  // follow=1 streams an event appended after the request.
  std::string streamed;
  std::thread follower([&, host = host, port = port] {
    httplib::Client f(host, port);
    f.Get("/events?since=2&follow=1", [&](const char* data, size_t n) {
      streamed.append(data, n);
      return streamed.find('\n') == std::string::npos;  // one line is enough
    });
  });
  RunResult emitted = Emit({"heartbeat", "--source", "streamed"});
  ASSERT_EQ(emitted.exit_code, 0) << emitted.err;
  follower.join();
  EXPECT_EQ(nlohmann::json::parse(streamed.substr(0, streamed.find('\n')))["seq"], 3);

  health = c.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(HttpTest, WriteLedgerKeepsALedgerFileCurrent) {
  const std::string path = tmp_.Sub("ledger.json");
  ServerProcess server(store_, {"--write-ledger", path});
  ASSERT_TRUE(server.running());
  ASSERT_EQ(Emit({"package-opened", "--package-id", "web"}).exit_code, 0);
  ASSERT_EQ(Emit({"dispatched", "--task", "W1", "--title", "Written", "--package-id", "web"}).exit_code, 0);
  // Written at most once a second: wait for it (no timing asserted).
  std::string text;
  for (int i = 0; i < 3000 && text.find("W1") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    text = std::filesystem::exists(path) ? ReadFile(path) : "";
  }
  EXPECT_NE(text.find("W1"), std::string::npos);
  server.Finish();
  RunResult direct = Orch(store_, {"ledger"});
  EXPECT_EQ(nlohmann::json::parse(ReadFile(path))["tasks"], nlohmann::json::parse(direct.out)["tasks"]);
}

}  // namespace
}  // namespace orch::testing

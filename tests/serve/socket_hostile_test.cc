// The unix socket under hostile peers (issue 19, items 1 and 2): a socket
// planted by another uid is not trusted and learns nothing; the trusted
// server is sent only the variables a verb reads; a client that stalls, or
// announces a huge frame, holds nobody up and costs no memory.
#include <grp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "eventstore/posix_env.h"
#include "gtest/gtest.h"
#include "server/endpoint.h"
#include "server/frame.h"
#include "server/wire.h"
#include "tests/serve/serve_support.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

namespace fs = std::filesystem;

// A listening unix socket at `path` (an old file there is replaced).
int Listen(const std::string& path) {
  ::unlink(path.c_str());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0) << path;
  ::chmod(path.c_str(), 0777);
  EXPECT_EQ(::listen(fd, 16), 0);
  return fd;
}

int Connect(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Answers the first request sent on `listen_fd` as a server would,
// acknowledging the fake seq 999, and returns what it was sent.
// Connections closed without a request (a client that checked the peer
// and left) are skipped.
std::string AnswerOneWithAFakeSeq(int listen_fd) {
  int fd = -1;
  absl::StatusOr<std::string> frame = absl::UnavailableError("none yet");
  while (!frame.ok()) {
    if (fd >= 0) ::close(fd);
    fd = ::accept(listen_fd, nullptr, nullptr);
    if (fd < 0) return "";
    frame = server::ReadFrame(fd, server::kMaxFrameBytes, absl::Now() + absl::Seconds(20));
  }
  server::Reply accepted;
  accepted.accepted = true;
  (void)server::WriteFrame(fd, server::EncodeReply(accepted));
  server::Reply done;
  done.out = "999\n";
  (void)server::WriteFrame(fd, server::EncodeReply(done));
  ::close(fd);
  return *frame;
}

std::string Trim(const std::string& s) { return std::string(absl::StripAsciiWhitespace(s)); }

class SocketHostileTest : public ServeFixture {
 protected:
  RunResult EmitWith(const std::map<std::string, std::string>& extra, const std::vector<std::string>& args) {
    std::map<std::string, std::string> env = ServerEnv();
    env.insert(extra.begin(), extra.end());
    std::vector<std::string> argv = {OrchBin(), "--store", store_, "emit"};
    argv.insert(argv.end(), args.begin(), args.end());
    return orch::testing::Run(argv, "", env);
  }
  int64_t Head() {
    RunResult r = Orch(store_, {"replay", "--format", "jsonl"});
    return std::count(r.out.begin(), r.out.end(), '\n');
  }
};

// A group member of a --shared-group store replaces serve.sock with a
// socket of its own. Before, the emitter sent it its whole environment
// (secrets included), printed the fake seq 999 and exited 0 with nothing
// appended. The second uid is a forked child that drops to uid 4242 in the
// store's group (what `setpriv --reuid 4242 --groups GID` does).
TEST_F(SocketHostileTest, ASocketPlantedByAGroupMemberIsNotTrustedAndLearnsNothing) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to act as a second uid";
  const std::string shared = tmp_.Sub("shared");
  ASSERT_EQ(Orch(shared, {"init", "--shared-group"}).exit_code, 0);
  struct stat st {};
  ASSERT_EQ(::stat(shared.c_str(), &st), 0);
  ASSERT_EQ(st.st_mode & 02770, 02770u);
  const std::string loot = tmp_.Sub("loot");
  ::chmod(tmp_.path().c_str(), 0777);
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t planter = ::fork();
  if (planter == 0) {
    const gid_t store_group = st.st_gid;
    if (::setgroups(1, &store_group) != 0 || ::setresgid(4242, 4242, 4242) != 0 ||
        ::setresuid(4242, 4242, 4242) != 0) {
      ::_exit(3);
    }
    const int fd = Listen(shared + "/serve.sock");
    (void)!::write(ready[1], "x", 1);
    const std::string got = AnswerOneWithAFakeSeq(fd);
    std::ofstream(loot) << got;
    ::_exit(0);
  }
  char c;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ASSERT_TRUE(fs::exists(shared + "/serve.sock"));

  std::vector<std::string> argv = {OrchBin(), "--store", shared,   "emit", "note",
                                   "--task",  "V",       "--text", "v"};
  std::map<std::string, std::string> env = ServerEnv();
  env["ORCH_ADV_SECRET"] = "sk-very-secret";
  RunResult r = orch::testing::Run(argv, "", env);
  ::kill(planter, SIGKILL);
  ::waitpid(planter, nullptr, 0);
  StopServer(shared);

  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(Trim(r.out), "999") << "the fake acknowledgement was believed";
  EXPECT_NE(r.err.find("not using the server socket"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("uid 4242"), std::string::npos) << r.err;
  const std::string sent = ReadFile(loot);
  EXPECT_EQ(sent.find("sk-very-secret"), std::string::npos) << "the secret reached the planted socket";
  EXPECT_TRUE(sent.empty()) << "the planted socket was sent " << sent.size() << " bytes";
  RunResult replay = Orch(shared, {"replay", "--format", "jsonl"});
  EXPECT_NE(replay.out.find("\"text\":\"v\""), std::string::npos)
      << "the emit was not recorded: " << replay.out;
}

// The client checks that the listener holds the store open for writing,
// not only its uid: a socket of the store owner's own uid that is not the
// store's writer is not trusted either.
TEST_F(SocketHostileTest, AListenerThatIsNotTheStoresWriterIsNotTrusted) {
  const int fd = Listen(store_ + "/serve.sock");
  std::string got;
  std::thread fake([&] { got = AnswerOneWithAFakeSeq(fd); });
  // The fake never answers unless sent something: unblock it afterwards.
  RunResult r = Emit({"note", "--text", "real"});
  const int poke = Connect(store_ + "/serve.sock");
  if (poke >= 0) {
    (void)server::WriteFrame(poke, "x");
    ::close(poke);
  }
  fake.join();
  ::close(fd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(Trim(r.out), "999");
  EXPECT_NE(r.err.find("does not hold the store open for writing"), std::string::npos) << r.err;
  EXPECT_EQ(got, "x") << "the fake listener was sent a request";
  EXPECT_EQ(Head(), 2);
}

// The trusted server (here this test: same uid, holding the store open)
// is sent the command line and only the variables a verb reads.
TEST_F(SocketHostileTest, TheServerIsSentOnlyTheVariablesAVerbReads) {
  SystemEnv env;
  StoreOptions o;
  o.env = &env;
  auto writer = OpenEventWriter(store_, o);  // holds LOCK, as a server does
  ASSERT_TRUE(writer.ok()) << writer.status();
  const int fd = Listen(store_ + "/serve.sock");
  std::string got;
  std::thread fake([&] { got = AnswerOneWithAFakeSeq(fd); });
  RunResult r = EmitWith({{"ORCH_ADV_SECRET", "sk-2"}, {"ORCH_NOW", "2026-12-01T03:00:00Z"}, {"TZ", "UTC"}},
                         {"note", "--text", "\xff"});
  fake.join();
  ::close(fd);
  EXPECT_EQ(Trim(r.out), "999") << r.err;  // trusted: its answer is the emit's
  auto req = server::DecodeRequest(got);
  ASSERT_TRUE(req.ok()) << req.status();
  std::map<std::string, std::string> sent(req->env.begin(), req->env.end());
  EXPECT_EQ(sent.count("ORCH_ADV_SECRET"), 0u);
  EXPECT_EQ(sent.count("PATH"), 0u);
  EXPECT_EQ(sent["ORCH_NOW"], "2026-12-01T03:00:00Z");
  EXPECT_EQ(sent["TZ"], "UTC");
  for (const auto& [name, value] : sent) {
    bool allowed = false;
    for (const char* a : server::kForwardedEnvironment) allowed = allowed || name == a;
    EXPECT_TRUE(allowed) << name << " was sent";
  }
  // The command line is forwarded byte for byte, invalid UTF-8 included.
  ASSERT_GE(req->args.size(), 4u);
  EXPECT_EQ(req->args.back(), "\xff");
}

// A client that sends two bytes of a frame's length and waits. Before, it
// held every other client up: `serve --stop` hung and a direct writer
// gave up with "locked by another process".
TEST_F(SocketHostileTest, AStalledClientHoldsNobodyUp) {
  ASSERT_EQ(Emit({"note", "--text", "start"}).exit_code, 0);
  const pid_t pid = ServerPid();
  ASSERT_GT(pid, 0);
  std::vector<int> stalled;
  for (int i = 0; i < 4; ++i) {
    const int fd = Connect(store_ + "/serve.sock");
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "\0\0", 2), 2);
    stalled.push_back(fd);
  }
  // Emits are acknowledged beside them.
  for (int i = 0; i < 5; ++i) {
    RunResult r = Emit({"note", "--text", absl::StrCat("beside ", i)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_EQ(ServerPid(), pid);
  // A direct writer gets the store: the server steps aside at once.
  const auto start = std::chrono::steady_clock::now();
  RunResult lane = orch::testing::Run({OrchBin(), "--store", store_, "lane", "open", "checkout"}, "",
                                      {{"ORCH_LOCK_TIMEOUT", "20s"}});
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(lane.exit_code, 0) << lane.err;
  EXPECT_LT(waited, 8.0) << "the direct writer waited for the stalled clients";
  // And a stop does not wait for them either.
  ASSERT_EQ(Emit({"note", "--text", "again"}).exit_code, 0);
  for (int i = 0; i < 2; ++i) {
    const int fd = Connect(store_ + "/serve.sock");
    if (fd >= 0) {
      (void)!::write(fd, "\0", 1);
      stalled.push_back(fd);
    }
  }
  const auto stop_start = std::chrono::steady_clock::now();
  RunResult stop = Orch(store_, {"serve", "--stop"});
  const double stop_took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - stop_start).count();
  EXPECT_EQ(stop.exit_code, 0) << stop.err;
  EXPECT_LT(stop_took, 8.0);
  EXPECT_EQ(ServerPid(), 0);
  for (int fd : stalled) ::close(fd);
  EXPECT_EQ(Head(), 9);  // init, start, 5 beside, lane, again
  EXPECT_EQ(Orch(store_, {"verify"}).exit_code, 0);
}

int64_t ResidentKiB(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    int64_t kib = 0;
    if (line.rfind("VmRSS:", 0) == 0 &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(6, line.size() - 9)), &kib))
      return kib;
  }
  return -1;
}

// Four connections announcing 150 MiB frames pushed the server to 635 MB.
// Now a length over the limit is refused before anything is allocated, and
// one under it costs only the bytes that actually arrive.
TEST_F(SocketHostileTest, AnnouncedFramesCostNoMemoryUntilTheyArrive) {
  ASSERT_EQ(Emit({"note", "--text", "start"}).exit_code, 0);
  const pid_t pid = ServerPid();
  ASSERT_GT(pid, 0);
  const int64_t before = ResidentKiB(pid);
  ASSERT_GT(before, 0);
  std::vector<int> fds;
  for (uint32_t announced : {150u << 20, 150u << 20, 70u << 20, 70u << 20, 70u << 20, 70u << 20}) {
    const int fd = Connect(store_ + "/serve.sock");
    ASSERT_GE(fd, 0);
    const unsigned char header[4] = {
        static_cast<unsigned char>(announced >> 24), static_cast<unsigned char>(announced >> 16),
        static_cast<unsigned char>(announced >> 8), static_cast<unsigned char>(announced)};
    ASSERT_EQ(::write(fd, header, 4), 4);
    fds.push_back(fd);
  }
  // The over-limit ones get a one-line answer naming the limit.
  auto answer = server::ReadFrame(fds[0], server::kMaxFrameBytes, absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(answer.ok()) << answer.status();
  auto reply = server::DecodeReply(*answer);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->exit_code, 2);
  EXPECT_NE(reply->err.find("over the limit"), std::string::npos) << reply->err;
  EXPECT_EQ(Emit({"note", "--text", "beside"}).exit_code, 0);
  const int64_t during = ResidentKiB(pid);
  EXPECT_LT(during - before, 64 * 1024) << "resident grew from " << before << " to " << during << " KiB";
  for (int fd : fds) ::close(fd);
}

}  // namespace
}  // namespace orch::testing

// orch mirror and the team view against a real nats-server -js on
// loopback: two stores in one stream, the mirror killed mid-stream, the
// server stopped under --follow, the server losing data, and forged or
// reordered messages. Skipped (visibly) where nats-server is not installed.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "eventstore/env.h"
#include "eventstore/event_store.h"
#include "eventstore/posix_env.h"
#include "gtest/gtest.h"
#include "mirror/jetstream.h"
#include "mirror/mirror_message.h"
#include "nlohmann/json.hpp"
#include "tests/mirror/nats_server.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

namespace fs = std::filesystem;

// `n` note events as --jsonl input.
std::string Notes(int n, const std::string& prefix) {
  std::string out;
  for (int i = 1; i <= n; ++i)
    out += "{\"type\":\"note\",\"text\":\"" + prefix + " " + std::to_string(i) + "\"}\n";
  return out;
}

// Waits up to `limit` for `text` to appear in the file at `path`.
bool WaitForText(const std::string& path, const std::string& text,
                 std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (ReadFile(path).find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

class MirrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (NatsServerBin().empty()) {
      GTEST_SKIP()
          << "nats-server is not installed (apt-get install nats-server; tools/setup.sh --test does)";
    }
    server_ = std::make_unique<NatsServer>(tmp_.Sub("jetstream"));
    ASSERT_TRUE(server_->Start()) << ReadFile(server_->log_path());
  }

  // A store with a project-initialized event and `jsonl` after it.
  std::string MakeStore(const std::string& name, const std::string& jsonl) {
    const std::string store = tmp_.Sub(name);
    RunResult r = Orch(store, {"init"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (!jsonl.empty()) {
      r = Orch(store, {"emit", "--jsonl", "-"}, jsonl);
      EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    return store;
  }

  uint64_t HeadOf(const std::string& store) {
    RunResult r = Orch(store, {"verify"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto store_ptr = OpenReader(store);
    return store_ptr ? store_ptr->head().seq : 0;
  }

  std::unique_ptr<EventStore> OpenReader(const std::string& store) {
    StoreOptions so;
    so.env = &env_;
    auto s = OpenEventReader(store, so);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? std::move(*s) : nullptr;
  }

  RunResult Mirror(const std::string& store, const std::string& project, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"mirror", "--nats",    server_->url(), "--project",
                                     project,  "--machine", "m-" + project};
    args.insert(args.end(), more.begin(), more.end());
    return Orch(store, args);
  }

  std::unique_ptr<mirror::JetStreamClient> Client() {
    mirror::ConnectOptions co;
    co.url = server_->url();
    auto c = mirror::JetStreamClient::Connect(co);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? std::move(*c) : nullptr;
  }

  // Every message of `project` in the stream: its Orch-Seq, in stream order.
  std::vector<uint64_t> SeqsInStream(const std::string& project) {
    std::vector<uint64_t> seqs;
    auto c = Client();
    if (!c) return seqs;
    auto sum = c->Summary("ORCH", mirror::ProjectFilter(project));
    if (!sum.ok() || sum->matching == 0) return seqs;
    EXPECT_TRUE(c->ReadAll("ORCH", mirror::ProjectFilter(project), 1, [&](const mirror::StreamMessage& m) {
                   uint64_t seq = 0;
                   EXPECT_TRUE(absl::SimpleAtoi(mirror::HeaderOf(m, mirror::kHeaderSeq), &seq));
                   seqs.push_back(seq);
                   return true;
                 }).ok());
    return seqs;
  }

  // Every event #1..#head exactly once, in order.
  void ExpectExactlyOnce(const std::string& project, uint64_t head) {
    const std::vector<uint64_t> seqs = SeqsInStream(project);
    ASSERT_EQ(seqs.size(), head) << project;
    for (uint64_t i = 0; i < seqs.size(); ++i) {
      ASSERT_EQ(seqs[i], i + 1) << project << ": message " << i << " of the project";
    }
  }

  uint64_t ProjectMessages(const std::string& project) {
    auto c = Client();
    if (!c) return 0;
    auto sum = c->Summary("ORCH", mirror::ProjectFilter(project));
    return sum.ok() ? sum->matching : 0;
  }

  nlohmann::json TeamJson(const std::string& any_store) {
    RunResult r = Orch(any_store, {"status", "--nats", server_->url(), "--all-projects", "--format", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }

  static const nlohmann::json* Project(const nlohmann::json& team, const std::string& name) {
    for (const auto& p : team["projects"]) {
      if (p["project"] == name) return &p;
    }
    return nullptr;
  }

  SystemEnv env_;
  TempDir tmp_;
  std::unique_ptr<NatsServer> server_;
};

TEST_F(MirrorTest, TwoStoresInOneStreamGiveATeamStatusWithBothProjects) {
  // Each project in a lane of its own (every dispatch serves one).
  const std::string lane = "{\"type\":\"package-opened\",\"package_id\":\"web\"}\n";
  const std::string alpha = MakeStore(
      "alpha", lane +
                   "{\"type\":\"dispatched\",\"task\":\"A1\",\"title\":\"cart\",\"package_id\":\"web\","
                   "\"allowed\":[\"cart/**\"]}\n"
                   "{\"type\":\"dispatched\",\"task\":\"a.2\",\"title\":\"dotted id\",\"package_id\":\"web\","
                   "\"allowed\":[\"dots/**\"]}\n");
  const std::string beta = MakeStore(
      "beta", lane +
                  "{\"type\":\"dispatched\",\"task\":\"B1\",\"title\":\"login\",\"package_id\":\"web\"}\n"
                  "{\"type\":\"blocked\",\"task\":\"B1\",\"reason\":\"needs the staging "
                  "password\",\"needs_human\":true}\n");
  RunResult r = Mirror(alpha, "alpha");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("4 published"), std::string::npos) << r.out;
  r = Mirror(beta, "beta");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // A second run finds everything there and publishes nothing.
  r = Mirror(alpha, "alpha");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("0 published"), std::string::npos) << r.out;
  ExpectExactlyOnce("alpha", 4);
  ExpectExactlyOnce("beta", 4);

  const nlohmann::json team = TeamJson(alpha);
  ASSERT_TRUE(team.is_object());
  ASSERT_EQ(team["projects"].size(), 2u) << team.dump(1);
  for (const std::string name : {"alpha", "beta"}) {
    const nlohmann::json* p = Project(team, name);
    ASSERT_NE(p, nullptr) << name;
    EXPECT_EQ((*p)["verified"], true) << p->dump(1);
    EXPECT_EQ((*p)["headSeq"], 4);
    EXPECT_EQ((*p)["machines"], nlohmann::json::array({"m-" + name}));
    EXPECT_EQ((*p)["status"]["headSeq"], 4) << p->dump(1);
  }
  // Each project's own questions: alpha's tasks are alpha's only.
  const std::string alpha_status = Project(team, "alpha")->at("status").dump();
  EXPECT_NE(alpha_status.find("a.2"), std::string::npos);
  EXPECT_EQ(alpha_status.find("B1"), std::string::npos);
  // The team summary names beta's blocked task as needing a human.
  bool blocked_named = false;
  for (const auto& a : team["needsHuman"]) {
    if (a["project"] == "beta" && a["subject"] == "B1") blocked_named = true;
  }
  EXPECT_TRUE(blocked_named) << team["needsHuman"].dump(1);

  r = Orch(alpha, {"status", "--nats", server_->url(), "--all-projects"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("== project alpha =="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("== project beta =="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("chain verified #1..#4"), std::string::npos) << r.out;

  const std::string dir = tmp_.Sub("team-pages");
  r = Orch(alpha, {"export", "--nats", server_->url(), "--all-projects", "--dir", dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const std::string f : {"team.json", "team.md", "team.html", "alpha.status.md", "beta.ledger.json"}) {
    EXPECT_TRUE(fs::exists(dir + "/" + f)) << f;
  }
  EXPECT_NE(ReadFile(dir + "/beta.status.md").find("B1"), std::string::npos);
}

TEST_F(MirrorTest, KilledMidStreamAndRestartedEveryEventIsInTheStreamExactlyOnce) {
  const std::string store = MakeStore("big", Notes(6000, "n"));
  const uint64_t head = HeadOf(store);
  ASSERT_EQ(head, 6001u);
  Child m({OrchBin(), "--store", store, "mirror", "--nats", server_->url(), "--project", "big"},
          tmp_.Sub("m.out"), tmp_.Sub("m.err"));
  // Kill once it is well under way (and the position file was written).
  uint64_t seen = 0;
  for (int i = 0; i < 6000 && seen < 1500; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    seen = ProjectMessages("big");
  }
  ASSERT_EQ(m.SignalAndWait(SIGKILL), 128 + SIGKILL) << ReadFile(tmp_.Sub("m.err"));
  const uint64_t at_kill = ProjectMessages("big");
  ASSERT_GE(at_kill, 1500u);
  ASSERT_LT(at_kill, head) << "the mirror finished before it was killed: nothing was shown";

  RunResult r = Mirror(store, "big");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectExactlyOnce("big", head);
  const nlohmann::json team = TeamJson(store);
  EXPECT_EQ((*Project(team, "big"))["verified"], true);
}

TEST_F(MirrorTest, FollowWaitsForTheServerReconnectsAndCatchesUp) {
  const std::string store = MakeStore("f", Notes(5, "before"));
  Child m({OrchBin(), "--store", store, "mirror", "--nats", server_->url(), "--project", "f", "--follow",
           "--poll", "0.05"},
          tmp_.Sub("f.out"), tmp_.Sub("f.err"));
  auto wait_for = [&](uint64_t n) {
    for (int i = 0; i < 1200 && ProjectMessages("f") < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return ProjectMessages("f");
  };
  ASSERT_EQ(wait_for(6), 6u) << ReadFile(tmp_.Sub("f.err"));
  server_->Stop();
  // The log goes on without NATS.
  RunResult r = Orch(store, {"emit", "--jsonl", "-"}, Notes(7, "during"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let it notice the server is gone
  ASSERT_TRUE(server_->Start()) << ReadFile(server_->log_path());
  r = Orch(store, {"emit", "--jsonl", "-"}, Notes(2, "after"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(wait_for(15), 15u) << ReadFile(tmp_.Sub("f.err"));
  EXPECT_EQ(m.SignalAndWait(SIGTERM), 0);
  ExpectExactlyOnce("f", 15);
  const std::string err = ReadFile(tmp_.Sub("f.err"));
  EXPECT_NE(err.find("waiting for NATS"), std::string::npos) << err;
  EXPECT_NE(err.find("NATS is back"), std::string::npos) << err;
}

// The stream's message blocks: where nats-server keeps the messages.
std::vector<fs::path> BlockFiles(const std::string& jetstream_dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(jetstream_dir)) {
    if (e.path().extension() == ".blk" && e.path().string().find("/ORCH/msgs/") != std::string::npos) {
      out.push_back(e.path());
    }
  }
  return out;
}

TEST_F(MirrorTest, ServerKilledAndRestartedWithPartOfItsDataGoneTheMirrorResendsWhatIsMissing) {
  const std::string store = MakeStore("lost", Notes(399, "n"));
  RunResult r = Mirror(store, "lost");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectExactlyOnce("lost", 400);
  server_->Kill();
  // What nats-server 2.9 had not synced yet is lost in a crash: cut the
  // last block to a third, as a power cut would.
  const auto blocks = BlockFiles(server_->store_dir());
  ASSERT_FALSE(blocks.empty());
  const fs::path last = blocks.back();
  fs::resize_file(last, fs::file_size(last) / 3);
  for (const auto& e : fs::directory_iterator(last.parent_path())) {
    if (e.path().extension() != ".blk") fs::remove(e.path());  // stale indexes: rebuilt from the blocks
  }
  ASSERT_TRUE(server_->Start()) << ReadFile(server_->log_path());
  const uint64_t left = ProjectMessages("lost");
  ASSERT_LT(left, 400u) << "the server lost nothing: the test shows nothing";

  r = Mirror(store, "lost");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("lost data"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find(std::to_string(400 - left) + " published (" + std::to_string(400 - left) + " re-sent"),
            std::string::npos)
      << r.out;
  ExpectExactlyOnce("lost", 400);
  EXPECT_EQ((*Project(TeamJson(store), "lost"))["verified"], true);
}

TEST_F(MirrorTest, AForgedOrReorderedMessageIsReportedByTheTeamView) {
  const std::string honest = MakeStore("honest", Notes(4, "h"));
  ASSERT_EQ(Mirror(honest, "honest").exit_code, 0);
  auto c = Client();
  ASSERT_NE(c, nullptr);
  // Forged: event #3's message with one byte of its record changed, hash kept.
  auto third = c->Get("ORCH", 3);
  ASSERT_TRUE(third.ok() && third->has_value());
  mirror::PublishRequest forged;
  forged.subject = (*third)->subject;
  for (const auto& h : (*third)->headers) {
    if (h.first.rfind("Orch-", 0) == 0) forged.headers.push_back(h);
  }
  forged.data = (*third)->data;
  const size_t at = forged.data.find("h 2");
  ASSERT_NE(at, std::string::npos);
  forged.data[at + 2] = '9';
  forged.msg_id = "forged";
  auto last = c->GetLast("ORCH", forged.subject);
  ASSERT_TRUE(last.ok() && last->has_value());
  forged.expected_last_subject_seq = (*last)->stream_seq;
  ASSERT_TRUE(c->Publish(forged).ok());

  // Reordered: another store's events published #1, #2, #4, #3, #5.
  const std::string other = MakeStore("other", Notes(4, "o"));
  auto reader = OpenReader(other);
  ASSERT_NE(reader, nullptr);
  uint64_t prev_stream_seq = 0;
  for (uint64_t seq : {1, 2, 4, 3, 5}) {
    auto e = reader->Get(seq);
    ASSERT_TRUE(e.ok()) << e.status();
    mirror::PublishRequest req = mirror::MakeEventMessage("shuffled", "m-x", *e);
    req.expected_last_subject_seq = prev_stream_seq;  // all on the project-level subject
    auto ack = c->Publish(req);
    ASSERT_TRUE(ack.ok()) << ack.status();
    prev_stream_seq = ack->stream_seq;
  }

  RunResult r = Orch(honest, {"status", "--nats", server_->url(), "--all-projects", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json team = nlohmann::json::parse(r.out, nullptr, false);
  const nlohmann::json* h = Project(team, "honest");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ((*h)["verified"], false);
  ASSERT_FALSE((*h)["findings"].empty());
  EXPECT_EQ((*h)["findings"][0]["kind"], "forged") << (*h)["findings"].dump(1);
  EXPECT_EQ((*h)["findings"][0]["seq"], 3);
  EXPECT_EQ((*h)["foldedTo"], 5) << "the honest events are folded, the forged copy is not";
  const nlohmann::json* s = Project(team, "shuffled");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ((*s)["verified"], false);
  ASSERT_FALSE((*s)["findings"].empty());
  EXPECT_EQ((*s)["findings"][0]["kind"], "reordered") << (*s)["findings"].dump(1);
  EXPECT_EQ((*s)["findings"][0]["seq"], 3);
  // Both reach "needs a human", and the warnings reach stderr.
  int chain_lines = 0;
  for (const auto& a : team["needsHuman"]) chain_lines += a["subject"] == "chain" ? 1 : 0;
  EXPECT_GE(chain_lines, 2) << team["needsHuman"].dump(1);
  EXPECT_NE(r.err.find("honest"), std::string::npos) << r.err;
}

TEST_F(MirrorTest, RefusesToMixTwoStoresUnderOneProjectName) {
  const std::string one = MakeStore("one", Notes(2, "one"));
  const std::string two = MakeStore("two", Notes(2, "two"));
  ASSERT_EQ(Mirror(one, "same").exit_code, 0);
  RunResult r = Mirror(two, "same");
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("--project"), std::string::npos) << r.err;
  ExpectExactlyOnce("same", 3);
}

TEST_F(MirrorTest, BadInputIsRefusedAndAnUnreachableServerIsExit4) {
  const std::string store = MakeStore("bad", Notes(2, "b"));
  RunResult r = Mirror(store, "bad", {"--once", "--follow"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = Mirror(store, "bad", {"--stream", "a.b"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("a.b"), std::string::npos) << r.err;
  r = Orch(store, {"status", "--nats", server_->url()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--all-projects"), std::string::npos) << r.err;
  r = Orch(store, {"status", "--nats", server_->url(), "--all-projects", "--at", "seq:1"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(ProjectMessages("bad"), 0u) << "bad input published nothing";

  ASSERT_EQ(Mirror(store, "bad").exit_code, 0);
  const std::string position = ReadFile(store + "/mirror-ORCH.position");
  EXPECT_NE(position.find("\"seq\":3"), std::string::npos) << position;
  server_->Stop();
  r = Mirror(store, "bad");
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("cannot reach NATS"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(store + "/mirror-ORCH.position"), position);
  r = Orch(store, {"status", "--nats", server_->url(), "--all-projects"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
}

// A --nats URL with credentials, at a port where nothing listens: no line
// of mirror, status or export shows the password or the token; each shows
// the URL redacted.
TEST_F(MirrorTest, CredentialsInTheUrlAreNeverPrinted) {
  const std::string store = MakeStore("cred", Notes(2, "c"));
  NatsServer down(tmp_.Sub("down"));  // never started: its port is closed
  const std::string where = "127.0.0.1:" + std::to_string(down.port());
  for (const auto& [url, shown] : std::vector<std::pair<std::string, std::string>>{
           {"nats://alice:s3cr3t@" + where, "nats://alice:***@" + where},
           {"nats://s3cr3t@" + where, "nats://***@" + where},
           {"nats://" + where + ",nats://bob:s3cr3t@" + where, "nats://bob:***@" + where}}) {
    SCOPED_TRACE(url);
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"mirror", "--nats", url, "--once"},
          std::vector<std::string>{"status", "--nats", url, "--all-projects"},
          std::vector<std::string>{"export", "--nats", url, "--all-projects", "--dir", tmp_.Sub("pages")}}) {
      RunResult r = Orch(store, args);
      EXPECT_EQ(r.exit_code, 4) << args[0] << ": " << r.err;
      EXPECT_NE(r.err.find("cannot reach NATS at "), std::string::npos) << r.err;
      EXPECT_NE(r.err.find(shown), std::string::npos) << args[0] << ": " << r.err;
      EXPECT_EQ((r.out + r.err).find("s3cr3t"), std::string::npos) << args[0] << ": " << r.out << r.err;
    }
    // --follow's "waiting for NATS" line.
    Child m({OrchBin(), "--store", store, "mirror", "--nats", url, "--follow"}, tmp_.Sub("c.out"),
            tmp_.Sub("c.err"));
    EXPECT_TRUE(WaitForText(tmp_.Sub("c.err"), "waiting for NATS", std::chrono::seconds(10)))
        << ReadFile(tmp_.Sub("c.err"));
    EXPECT_EQ(m.SignalAndWaitFor(SIGTERM, std::chrono::seconds(10)), std::optional<int>(0));
    const std::string err = ReadFile(tmp_.Sub("c.err"));
    EXPECT_NE(err.find(shown), std::string::npos) << err;
    EXPECT_EQ((ReadFile(tmp_.Sub("c.out")) + err).find("s3cr3t"), std::string::npos) << err;
    fs::remove(tmp_.Sub("c.out"));
    fs::remove(tmp_.Sub("c.err"));
  }
}

// `mirror --follow` started while NATS is down says it waits (it used to
// block in nats.c's connect, silent, deaf to SIGTERM) and stops promptly
// on SIGTERM or SIGINT with exit 0.
TEST_F(MirrorTest, FollowStartedWhileNatsIsDownWaitsAndStopsOnASignal) {
  const std::string store = MakeStore("down", Notes(2, "d"));
  NatsServer down(tmp_.Sub("down"));
  for (int sig : {SIGTERM, SIGINT}) {
    SCOPED_TRACE(sig);
    const std::string out = tmp_.Sub("d" + std::to_string(sig) + ".out");
    const std::string err = tmp_.Sub("d" + std::to_string(sig) + ".err");
    Child m({OrchBin(), "--store", store, "mirror", "--nats", down.url(), "--follow"}, out, err);
    ASSERT_TRUE(WaitForText(err, "orch: waiting for NATS: ", std::chrono::seconds(10))) << ReadFile(err);
    EXPECT_NE(ReadFile(err).find(down.url()), std::string::npos) << ReadFile(err);
    const auto sent = std::chrono::steady_clock::now();
    EXPECT_EQ(m.SignalAndWaitFor(sig, std::chrono::seconds(5)), std::optional<int>(0)) << ReadFile(err);
    EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(3));
  }
  EXPECT_EQ(ProjectMessages("down"), 0u);
}

// After an outage the mirror names the head it really caught up to: the
// events appended while NATS was down are published before the line, and
// the line's #N is the log's head (it used to name the head the reader had
// when NATS went away).
TEST_F(MirrorTest, AfterAnOutageTheMirrorNamesTheHeadItCaughtUpTo) {
  const std::string store = MakeStore("o", Notes(5, "before"));
  const std::string err = tmp_.Sub("o.err");
  Child m({OrchBin(), "--store", store, "mirror", "--nats", server_->url(), "--project", "o", "--follow",
           "--poll", "0.05"},
          tmp_.Sub("o.out"), err);
  for (int i = 0; i < 1200 && ProjectMessages("o") < 6; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(ProjectMessages("o"), 6u) << ReadFile(err);
  server_->Stop();
  ASSERT_TRUE(WaitForText(err, "waiting for NATS")) << ReadFile(err);
  RunResult r = Orch(store, {"emit", "--jsonl", "-"}, Notes(10, "during"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const uint64_t head = HeadOf(store);
  ASSERT_EQ(head, 16u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the mirror polls while NATS is down
  ASSERT_TRUE(server_->Start()) << ReadFile(server_->log_path());
  ASSERT_TRUE(WaitForText(err, "NATS is back")) << ReadFile(err);
  const std::string text = ReadFile(err);
  EXPECT_NE(text.find("orch: NATS is back; caught up to #16\n"), std::string::npos) << text;
  EXPECT_EQ(ProjectMessages("o"), head) << "published after the line, not before: " << text;
  EXPECT_EQ(m.SignalAndWaitFor(SIGTERM, std::chrono::seconds(5)), std::optional<int>(0));
  ExpectExactlyOnce("o", head);
}

}  // namespace
}  // namespace orch::testing

// The recorded night renders to the checked-in ledger.json, status.md and
// status.json; status.html has its sections and escapes event strings.
#include <filesystem>

#include "gtest/gtest.h"
#include "tests/projections/night_fixture.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

class NightTest : public ::testing::Test {
 protected:
  void SetUp() override { EmitLines(store_, NightLines()); }
  std::string Out(const std::vector<std::string>& args) {
    RunResult r = Orch(store_, args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  TempDir dir_;
  std::string store_ = dir_.Sub("store");
};

TEST_F(NightTest, RendersTheGoldenFiles) {
  ExpectGolden("status.json", Out(Pinned({"status", "--format", "json"})));
  ExpectGolden("status.md", Out(Pinned({"status", "--format", "md"})));
  ExpectGolden("ledger.json", Out(Pinned({"ledger"})));
  // --json is --format json; the text form is not a golden but must answer.
  EXPECT_EQ(Out(Pinned({"status", "--json"})), Out(Pinned({"status", "--format", "json"})));
  const std::string text = Out(Pinned({"status"}));
  // A stale worker and two past their runtime budget come before T8's review.
  EXPECT_NE(text.find("next action:  inspect - T4 is stale"), std::string::npos) << text;
  EXPECT_NE(text.find("[stale-worker]"), std::string::npos) << text;
}

TEST_F(NightTest, StatusHtmlIsSelfContainedAndEscapesEventText) {
  const std::string html = Out(Pinned({"status", "--format", "html"}));
  for (const char* id :
       {"next-action", "glance", "active", "pending-setup", "ready-for-review", "needs-human", "since",
        "left-behind", "heartbeats", "anomalies", "drift", "inspections", "picture", "tasks", "timeline"}) {
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(html.find("<meta name=\"viewport\""), std::string::npos);
  // Times to the second with the zone named, the instant in <time> for a
  // page script to show in the viewer's zone.
  EXPECT_NE(html.find("At <time datetime=\"2026-11-25T07:00:00Z\">2026-11-25 07:00:00 UTC</time>"),
            std::string::npos);
  // The timeline spans the night: up to its last event, not to "now".
  EXPECT_EQ(html.find("to 2026-11-25T07:00:00Z\""), std::string::npos);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("class=\"beat\""), std::string::npos);    // heartbeat ticks
  EXPECT_NE(html.find("class=\"missed\""), std::string::npos);  // the missed one
  // The title <script>alert(1)</script> shows as text.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; Price rounding"), std::string::npos);
  // No network: nothing is fetched (the SVG namespace is an identifier).
  for (const char* fetch : {"<link", "src=", "@import", "url(", "href=\"http"}) {
    EXPECT_EQ(html.find(fetch), std::string::npos) << fetch;
  }
  // The forbidden path touched by T6 is marked.
  EXPECT_NE(html.find("class=\"bad\">config/prod.yml"), std::string::npos);
}

TEST_F(NightTest, ExportWritesEveryFileAtomically) {
  const std::string out = dir_.Sub("pages");
  Out(Pinned({"export", "--dir", out}));
  EXPECT_EQ(ReadFile(out + "/ledger.json"), Out(Pinned({"ledger"})));
  EXPECT_EQ(ReadFile(out + "/status.json"), Out(Pinned({"status", "--format", "json"})));
  EXPECT_EQ(ReadFile(out + "/status.md"), Out(Pinned({"status", "--format", "md"})));
  EXPECT_EQ(ReadFile(out + "/status.html"), Out(Pinned({"status", "--format", "html"})));
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    ++files;
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
  EXPECT_EQ(files, 5u);  // and the marker saying the directory is export's
  EXPECT_TRUE(std::filesystem::exists(out + "/.orch-export"));
  // --out writes the same bytes as stdout.
  Out(Pinned({"status", "--format", "md", "--out", dir_.Sub("s.md")}));
  EXPECT_EQ(ReadFile(dir_.Sub("s.md")), ReadFile(out + "/status.md"));
}

TEST_F(NightTest, BadFlagsAreBadInput) {
  EXPECT_EQ(Orch(store_, {"status", "--format", "pdf"}).exit_code, 2);
  EXPECT_EQ(Orch(store_, {"status", "--at", "yesterday-ish"}).exit_code, 2);
  EXPECT_EQ(Orch(store_, {"export"}).exit_code, 2);  // --dir is required
}

}  // namespace
}  // namespace orch::testing

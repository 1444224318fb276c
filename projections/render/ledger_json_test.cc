// The streamed ledger is what nlohmann::json prints for the same document,
// byte for byte: for empty and full models, and for strings that need
// escaping (quotes, control characters, UTF-8, invalid UTF-8, which is
// replaced). Its members are held by the goldens and the predecessor
// contract test (tests/projections).
#include "projections/render/ledger_json.h"

#include <limits>

#include "base/time_text.h"
#include "gtest/gtest.h"
#include "projections/render/json_writer.h"

namespace orch {
namespace {

// The streamed ledger read back and printed again by nlohmann::json.
std::string Redumped(const std::string& streamed) {
  return nlohmann::ordered_json::parse(streamed).dump(2, ' ', false) + "\n";
}

const std::vector<std::string>& OddStrings() {
  static const auto* s = new std::vector<std::string>{
      "",
      "plain text",
      "quote \" and backslash \\ and slash /",
      "tab\tnewline\ncr\rbell\x07 del\x7f",
      std::string("nul\0inside", 10),
      "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x9a\x80",  // UTF-8
      "bad \xff byte, cut \xe2\x80 and \xc3",       // invalid UTF-8
      "<script>alert(1)</script>",
  };
  return *s;
}

ProjectModel FullModel() {
  ProjectModel m;
  m.head_seq = 42;
  m.initialized = true;
  m.created_at = 1'795'557'600'000'000'000;
  m.last_at = m.created_at + 1'500'000'000;
  m.settings.project_root = "/work/\xc3\xa9t\xc3\xa9";
  m.settings.push_policy = "after-merge";
  m.settings.max_concurrency = -3;
  m.run_mode = "draining";
  m.run_mode_reason = "night \"shift\"";
  m.heartbeats = 7;
  PackageModel p;
  p.id = "lane-a";
  p.title = OddStrings()[6];
  p.needs_human = true;
  m.packages.push_back(p);
  m.packages.emplace_back();
  int n = 0;
  for (const std::string& s : OddStrings()) {
    TaskModel t;
    t.id = "T" + std::to_string(++n);
    t.title = s;
    t.facts.branch = s;
    t.facts.allowed = {s, "src/**"};
    t.evidence_notes = {s};
    t.facts.state = static_cast<TaskState>(n % 10);
    t.needs_human = n % 2 == 0;
    t.commits = -n;
    t.events = uint64_t{1} << 63;
    t.dispatched_at = m.created_at + n;
    t.history.push_back(HistoryEntry{7, m.created_at, EventType::Dispatched, TaskState::kActive, "", s, ""});
    t.history.push_back(HistoryEntry{8, 0, EventType::Gate, TaskState::kActive, s, "sum", s});
    t.gate_runs.push_back(GateRun{m.created_at, s, "pass", "local", ""});
    if (n % 2 == 0) {  // budget and constraint stack are written only when set
      t.budget = Budget{90, -n, s};
      t.constraint_stack.user_instruction = s;
      t.constraint_stack.authority = {s};
    }
    if (n % 3 == 0) t.constraint_stack.package_switch_reason = s;
    if (n % 2 == 1) {
      t.facts.has_inspection = true;
      t.facts.inspection.head = s;
      t.facts.inspection.dirty = {s, s};
      t.facts.inspection.ahead_of_base = -1;
    }
    m.tasks.push_back(t);
  }
  return m;
}

TEST(LedgerJson, EmptyModelStreamsAsTheDocument) {
  const std::string streamed = RenderLedgerJson(ProjectModel{});
  EXPECT_EQ(streamed, Redumped(streamed));
}

TEST(LedgerJson, FullModelStreamsAsTheDocument) {
  const ProjectModel m = FullModel();
  const std::string streamed = RenderLedgerJson(m);
  EXPECT_EQ(streamed, Redumped(streamed));
  EXPECT_NE(streamed.find("\\u0000"), std::string::npos);       // escaped, not cut
  EXPECT_NE(streamed.find("\xef\xbf\xbd"), std::string::npos);  // bad bytes replaced
}

TEST(LedgerJson, TimeTextIsFormatRfc3339) {
  std::vector<int64_t> times = {1,
                                999'999'999,
                                1'000'000'000,
                                951'782'400'000'000'000,    // 2000-02-29
                                951'868'799'999'999'999,    // 2000-02-29T23:59:59.999999999
                                1'795'557'600'000'000'000,  // 2026-11-24T22:00:00Z
                                1'795'557'600'120'000'000,  // .12
                                4'107'542'400'000'000'000,  // 2100-03-01
                                -1'000'000'000,
                                std::numeric_limits<int64_t>::max()};
  uint64_t x = 0x9e3779b97f4a7c15;
  for (int i = 0; i < 100000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    int64_t t = static_cast<int64_t>(x >> 1);
    if (i % 3 == 0) t -= t % 1'000'000'000;  // whole seconds
    if (i % 3 == 1) t -= t % 1'000;          // microseconds
    times.push_back(t);
  }
  for (int64_t t : times) ASSERT_EQ(TimeText(t), FormatRfc3339(t)) << t;
  EXPECT_EQ(TimeText(0), "");
}

TEST(JsonWriter, NestedEmptyAndTopLevelValues) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  w.BeginObject();
  w.EndObject();
  w.BeginArray();
  w.EndArray();
  w.BeginObject();
  w.Key("a");
  w.Strings({});
  w.Key("b");
  w.Strings({"x"});
  w.EndObject();
  w.Int(-1);
  w.Null();
  w.EndArray();
  const auto expected = nlohmann::ordered_json::parse(R"([{}, [], {"a": [], "b": ["x"]}, -1, null])");
  EXPECT_EQ(out, expected.dump(2));
}

}  // namespace
}  // namespace orch

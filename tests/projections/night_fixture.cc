#include "tests/projections/night_fixture.h"

#include <cstdlib>
#include <sstream>

#include "eventstore/env.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "eventstore/posix_env.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace orch::testing {

std::string NightFile(const std::string& name) { return SourceDir() + "/fixtures/night-01/" + name; }

std::vector<std::string> NightLines() { return FixtureLines("night-01/events.jsonl"); }

std::vector<std::string> FixtureLines(const std::string& path) {
  std::istringstream in(ReadFile(SourceDir() + "/fixtures/" + path));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

void EmitLines(const std::string& store, const std::vector<std::string>& lines, bool create) {
  if (create) {
    SystemEnv env;
    StoreOptions o;
    o.env = &env;
    o.create_if_missing = true;
    auto s = OpenEventWriter(store, o);
    ASSERT_TRUE(s.ok()) << s.status();
  }
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  RunResult r = Orch(store, {"emit", "--jsonl", "-"}, text);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

std::vector<std::string> Pinned(std::vector<std::string> args) {
  args.insert(args.end(), {"--now", kNightNow, "--since", kNightSince});
  return args;
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  ExpectGoldenFixture("night-01/" + name, actual);
}

void ExpectGoldenFixture(const std::string& path, const std::string& actual) {
  const std::string file = SourceDir() + "/fixtures/" + path;
  const char* update = std::getenv("ORCH_UPDATE_GOLDENS");
  if (update != nullptr && std::string(update) == "1") {
    WriteFile(file, actual);
    return;
  }
  EXPECT_EQ(actual, ReadFile(file))
      << "golden " << path << " differs; if the change is intended, rerun with ORCH_UPDATE_GOLDENS=1";
}

}  // namespace orch::testing

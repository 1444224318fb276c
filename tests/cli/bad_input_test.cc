// Every bad input: its exit code, a one-line message naming the bad value,
// and a log left exactly as it was.
#include <csignal>
#include <string>

#include "eventstore/env_testing.h"
#include "eventstore/event_store.h"
#include "eventstore/event_writer.h"
#include "gtest/gtest.h"
#include "tests/support/emit_modes.h"
#include "tests/support/test_support.h"

namespace orch::testing {
namespace {

class BadInputTest : public EmitModeTest {
 protected:
  void SetUp() override {
    EmitModeTest::SetUp();
    store_ = tmp_.Sub("store");
    ASSERT_EQ(Orch(store_, {"init"}).exit_code, 0);
    ASSERT_EQ(Orch(store_, {"lane", "open", "work"}).exit_code, 0);
    ASSERT_EQ(Orch(store_, {"emit", "dispatched", "--task", "T1", "--title", "a", "--package-id", "work",
                            "--allowed", "t1/**"})
                  .exit_code,
              0);
    ASSERT_EQ(Orch(store_, {"emit", "worktree-ready", "--task", "T1", "--worktree", "/w/t1"}).exit_code, 0);
    before_ = DumpStore(store_);
    ASSERT_FALSE(before_.empty());
  }

  // Runs orch and checks exit code, a single stderr line containing
  // `names`, and an unchanged store.
  void ExpectRefused(const std::vector<std::string>& args, int code, const std::string& names,
                     const std::string& stdin_text = "") {
    RunResult r = Orch(store_, args, stdin_text);
    EXPECT_EQ(r.exit_code, code) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "not one line: " << r.err;
    EXPECT_NE(r.err.find(names), std::string::npos) << "message does not name '" << names << "': " << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(DumpStore(store_), before_) << "the log changed";
  }

  TempDir tmp_;
  std::string store_;
  std::map<std::string, std::string> before_;
};

TEST_P(BadInputTest, UnknownType) { ExpectRefused({"emit", "deployed", "--task", "T1"}, 2, "'deployed'"); }

TEST_P(BadInputTest, UnknownTypeInJson) {
  ExpectRefused({"emit", "--json", R"({"type":"deployed","task":"T1"})"}, 2, "'deployed'");
}

TEST_P(BadInputTest, MalformedJson) {
  ExpectRefused({"emit", "--json", "{\"type\": \"note\","}, 2, "{\"type\": \"note\",");
}

TEST_P(BadInputTest, MalformedJsonlLineIsNamedAndNothingOfTheBatchLands) {
  ExpectRefused({"emit", "--jsonl", "-"}, 2, "line 2",
                "{\"type\":\"note\",\"text\":\"fine\"}\n{\"type\":\"note\",\n");
}

TEST_P(BadInputTest, UnknownPayloadField) {
  ExpectRefused({"emit", "--json", R"({"type":"note","txt":"x"})"}, 2, "'txt'");
}

TEST_P(BadInputTest, UnknownTaskForATaskEvent) {
  ExpectRefused({"emit", "committed", "--task", "T404", "--commit", "abc"}, 2, "'T404'");
}

TEST_P(BadInputTest, PayloadOverOneMiB) {
  const std::string text(1100 * 1024, 'x');
  ExpectRefused({"emit", "--jsonl", "-"}, 2, "1 MiB", "{\"type\":\"note\",\"text\":\"" + text + "\"}\n");
}

TEST_P(BadInputTest, BadTime) {
  ExpectRefused({"emit", "note", "--text", "x", "--at", "yesterday"}, 2, "'yesterday'");
  ExpectRefused({"emit", "heartbeat", "--next-expected-at", "soon"}, 2, "\"soon\"");
}

TEST_P(BadInputTest, MissingRequiredFlag) {
  ExpectRefused({"emit", "committed", "--commit", "abc"}, 2, "--task");
}

TEST_P(BadInputTest, BadEnumAndEvidenceValues) {
  ExpectRefused({"emit", "--json", R"({"type":"reviewed","task":"T1","verdict":"maybe"})"}, 2, "\"maybe\"");
  ExpectRefused({"emit", "note", "--text", "x", "--evidence", "vibes"}, 2, "'vibes'");
}

TEST_P(BadInputTest, ImpossibleTransitionIsAConflict) {
  ExpectRefused({"emit", "merged", "--task", "T1", "--merge-commit", "abc"}, 3,
                "only accepted work may be merged");
  ExpectRefused({"emit", "cleaned", "--task", "T1"}, 3, "proof the work is safe");
}

TEST_P(BadInputTest, ExpectedVersionMismatchIsAConflict) {
  ExpectRefused({"emit", "committed", "--task", "T1", "--commit", "abc", "--expect-version", "1"}, 3,
                "expected 1");
}

TEST_P(BadInputTest, IdempotencyKeyReusedWithOtherContentIsAConflict) {
  ASSERT_EQ(Orch(store_, {"emit", "note", "--text", "one", "--idempotency-key", "k1"}).exit_code, 0);
  before_ = DumpStore(store_);
  ExpectRefused({"emit", "note", "--text", "two", "--idempotency-key", "k1"}, 3, "'k1'");
}

TEST_P(BadInputTest, LockedStorePastTheBound) {
  // Hold the store in this process, as a long-running writer would.
  FakeEnv env(0);
  StoreOptions o;
  o.env = &env;
  auto holder = OpenEventWriter(store_, o);
  ASSERT_TRUE(holder.ok()) << holder.status();
  RunResult r = orch::testing::Run({OrchBin(), "--store", store_, "emit", "note", "--text", "x"}, "",
                                   {{"ORCH_LOCK_TIMEOUT", "1"}});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("locked"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(store_), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  holder->reset();
  EXPECT_EQ(DumpStore(store_), before_);
}

TEST_P(BadInputTest, MissingStoreIsUnavailable) {
  RunResult r = Orch(tmp_.Sub("no-such-store"), {"emit", "note", "--text", "x"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("no-such-store"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("orch init"), std::string::npos) << r.err;
}

// Invalid UTF-8 used to abort orch (an uncaught nlohmann exception, exit
// 134); a JSON line nested 100k deep overflowed the stack (exit 139).
TEST_P(BadInputTest, InvalidUtf8InATypedFlagNamesTheFlagAndByte) {
  ExpectRefused({"emit", "note", "--text", "ab\xff"}, 2, "invalid UTF-8 in --text at byte 2");
  ExpectRefused({"emit", "committed", "--task", "T1", "--commit", "abc", "--files", "ok", "--files", "x\xc3"},
                2, "invalid UTF-8 in --files at byte 1");
  ExpectRefused({"emit", "note", "--text", "x", "--note=\xe2\x82"}, 2, "invalid UTF-8 in --note at byte 0");
  ExpectRefused({"emit", "heartbeat", "--next-expected-at", "\xff"}, 2, "--next-expected-at at byte 0");
}

TEST_P(BadInputTest, InvalidUtf8InInitIsRefusedBeforeAnythingIsRecorded) {
  ExpectRefused({"init", "--remote", "orig\xffin"}, 2, "invalid UTF-8 in --remote at byte 4");
  ExpectRefused({"init", "--project-root", "/src/\xc0\xaf"}, 2, "invalid UTF-8 in --project-root at byte 5");
}

TEST_P(BadInputTest, InvalidUtf8InJsonNamesTheFieldAndByte) {
  ExpectRefused({"emit", "--json", "{\"type\":\"note\",\"text\":\"ab\xff\"}"}, 2,
                "invalid UTF-8 in --json at byte 25");
  ExpectRefused(
      {"emit", "--jsonl", "-"}, 2, "line 2 of --jsonl: in \"note\" at byte 34",
      "{\"type\":\"note\",\"text\":\"ok\"}\n{\"type\":\"note\",\"text\":\"a\",\"note\":\"\xed\xa0\x80\"}\n");
}

TEST_P(BadInputTest, DeeplyNestedJsonIsRefused) {
  const int kDeep = 100000;
  ExpectRefused({"emit", "--jsonl", "-"}, 2, "nesting deeper than 64 levels",
                "{\"type\":\"note\",\"text\":" + std::string(kDeep, '[') + std::string(kDeep, ']') + "}\n");
  // One argument may hold at most 128 KiB.
  ExpectRefused({"emit", "--json", std::string(60000, '[') + std::string(60000, ']')}, 2,
                "nesting deeper than 64 levels");
}

TEST_P(BadInputTest, DuplicateJsonKeysAreRefused) {
  ExpectRefused({"emit", "--json", R"({"type":"note","text":"a","text":"b"})"}, 2, "duplicate key \"text\"");
  ExpectRefused(
      {"emit", "--json", R"({"type":"committed","task":"T1","payload":{"commit":"a","commit":"b"}})"}, 2,
      "duplicate key \"payload.commit\"");
  ExpectRefused({"emit", "--json", R"({"type":"note","task":"T1","text":"a","task":"T2"})"}, 2,
                "duplicate key \"task\"");
}

// Task ids follow one grammar (docs/events.md): ASCII letters, digits and
// -_.:/@+, 1 to 128 characters, wherever an id enters the log.
TEST_P(BadInputTest, TaskIdOutsideTheGrammarIsRefusedInEveryForm) {
  ExpectRefused({"emit", "dispatched", "--task", "T 2", "--title", "a"}, 2, "U+0020 at character 2");
  ExpectRefused({"emit", "dispatched", "--task", "T2\x1b[2J", "--title", "a"}, 2, "U+001B at character 3");
  ExpectRefused({"emit", "dispatched", "--task", "T2\n", "--title", "a"}, 2, "U+000A at character 3");
  ExpectRefused({"emit", "dispatched", "--task",
                 "T\xe2\x80\x8b"
                 "2",
                 "--title", "a"},
                2,
                "U+200B at character 2");  // zero-width space
  ExpectRefused({"emit", "dispatched", "--task",
                 "\xd0\xa2"
                 "1",
                 "--title", "a"},
                2,
                "U+0422 at character 1");  // Cyrillic Te, looks like T
  ExpectRefused({"emit", "dispatched", "--task", std::string(129, 'x'), "--title", "a"}, 2,
                "longer than 128");
  ExpectRefused({"emit", "--json", R"({"type":"dispatched","task":"T\u200b1","title":"a"})"}, 2,
                "U+200B at character 2");
  ExpectRefused({"emit", "--jsonl", "-"}, 2,
                "line 2 of --jsonl: bad task id 'T#2': '#' (U+0023) at character 2",
                "{\"type\":\"dispatched\",\"task\":\"T2\",\"title\":\"a\"}\n"
                "{\"type\":\"dispatched\",\"task\":\"T#2\",\"title\":\"a\"}\n");
  // Every character of the grammar, at the longest length, is accepted.
  const std::string longest = "Az09-_.:/@+" + std::string(117, 'q');
  RunResult r = Orch(store_, {"emit", "dispatched", "--task", longest, "--title", "a", "--package-id", "work",
                              "--allowed", "longest/**"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// Values that used to be clamped or wrapped silently are refused, named.
TEST_P(BadInputTest, TimesOutsideTheRangeAreRefusedNotClamped) {
  ExpectRefused({"emit", "note", "--text", "x", "--at", "9999-12-31T00:00:00Z"}, 2, "'9999-12-31T00:00:00Z'");
  ExpectRefused({"emit", "note", "--text", "x", "--at", "0001-01-01T00:00:00Z"}, 2, "'0001-01-01T00:00:00Z'");
  ExpectRefused({"emit", "note", "--text", "x", "--at", "99999999999999999d"}, 2, "'99999999999999999d'");
  ExpectRefused({"init", "--at", "9999-12-31T00:00:00Z"}, 2, "'9999-12-31T00:00:00Z'");
  ExpectRefused({"emit", "heartbeat", "--next-expected-at", "9999-12-31T00:00:00Z"}, 2,
                "\"9999-12-31T00:00:00Z\"");
  ExpectRefused({"emit", "heartbeat-missed", "--gap-seconds", "99999999999999999d"}, 2,
                "\"99999999999999999d\"");
  ExpectRefused({"emit", "heartbeat-missed", "--gap-seconds", "inf"}, 2, "\"inf\"");
}

TEST_P(BadInputTest, NumericJsonTimesOutsideTheRangeAreRefused) {
  ExpectRefused({"emit", "--json", R"({"type":"note","text":"a","at":18446744073709551615})"}, 2,
                "bad \"at\" 18446744073709551615");
  ExpectRefused({"emit", "--json", R"({"type":"note","text":"a","at":-1})"}, 2, "bad \"at\" -1");
  ExpectRefused({"emit", "--json", R"({"type":"note","text":"a","at":1.5e18})"}, 2, "bad \"at\" 1.5e+18");
  ExpectRefused({"emit", "--json", R"({"type":"heartbeat","next_expected_at":18446744073709551615})"}, 2,
                "18446744073709551615");
  ExpectRefused({"emit", "--json", R"({"type":"heartbeat-missed","gap_seconds":-60})"}, 2, "-60");
  ExpectRefused(
      {"emit", "--json", R"({"type":"project-initialized","max_concurrency":18446744073709551615})"}, 2,
      "18446744073709551615");
}

TEST_P(BadInputTest, NegativeExpectedVersionIsRefusedNotIgnored) {
  ExpectRefused({"emit", "committed", "--task", "T1", "--commit", "abc", "--expect-version", "-5"}, 2,
                "bad --expect-version '-5'");
  ExpectRefused({"emit", "committed", "--task", "T1", "--commit", "abc", "--expect-version", "two"}, 2,
                "bad --expect-version 'two'");
}

TEST_P(BadInputTest, BadLockTimeoutNamesTheVariable) {
  for (const char* value : {"soon", "inf", "99999999999999999d", "2h"}) {
    RunResult r = orch::testing::Run({OrchBin(), "--store", store_, "emit", "note", "--text", "x"}, "",
                                     {{"ORCH_LOCK_TIMEOUT", value}});
    EXPECT_EQ(r.exit_code, 2) << value << ": " << r.err;
    EXPECT_NE(r.err.find(std::string("bad ORCH_LOCK_TIMEOUT '") + value + "'"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(DumpStore(store_), before_) << value;
  }
}

// One batch is held in memory whole (500k events took 1.3 GB): it is capped
// at 10,000 events and 64 MiB, and the message says how to split.
TEST_P(BadInputTest, BatchOverTheEventCapIsRefusedWithHowToSplit) {
  std::string batch;
  for (int i = 0; i < 10001; ++i) batch += "{\"type\":\"note\",\"text\":\"n\"}\n";
  ExpectRefused({"emit", "--jsonl", "-"}, 2, "line 10001 of --jsonl: more than 10000 events", batch);
  RunResult r = Orch(store_, {"emit", "--jsonl", "-"}, batch);
  EXPECT_NE(r.err.find("split -l 10000"), std::string::npos) << r.err;
}

TEST_P(BadInputTest, BatchOverTheByteCapIsRefused) {
  // 65 MiB of blank lines and one event: over the cap before any parsing.
  // orch stops reading there: the rest of the pipe is not its to drain.
  std::signal(SIGPIPE, SIG_IGN);
  const std::string batch = std::string(65 << 20, '\n') + "{\"type\":\"note\",\"text\":\"x\"}\n";
  ExpectRefused({"emit", "--jsonl", "-"}, 2, "over the limit of 64 MiB", batch);
}

TEST_P(BadInputTest, FollowingThatWouldSpinOrNeverEndIsRefused) {
  ExpectRefused({"replay", "--poll", "0"}, 2, "bad --poll 0");
  ExpectRefused({"replay", "--poll", "0.001"}, 2, "bad --poll 0.001");
  ExpectRefused({"replay", "--poll", "nan"}, 2, "bad --poll");
  ExpectRefused({"replay", "--follow-for", "-1"}, 2, "bad --follow-for -1");
}

TEST_P(BadInputTest, UsageErrorsAreExitTwo) {
  EXPECT_EQ(Orch(store_, {"frobnicate"}).exit_code, 2);
  EXPECT_EQ(Orch(store_, {"replay", "--format", "xml"}).exit_code, 2);
  EXPECT_EQ(Orch(store_, {"replay", "--since", "tuesday"}).exit_code, 2);
  EXPECT_EQ(Orch(store_, {"emit"}).exit_code, 2);
  EXPECT_EQ(DumpStore(store_), before_);
}

ORCH_BOTH_EMIT_MODES(BadInputTest);

}  // namespace
}  // namespace orch::testing

// orch lane, orch review (the acceptance report and its refusals), orch
// review import and orch pack through the real binary, on real worktrees.
#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/git/git_world.h"

namespace orch::testing {
namespace {

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class ReviewCliTest : public ::testing::Test {
 protected:
  // T1 in lane checkout, worktree wt1 on task/t1, with a required gate and
  // a forbidden path.
  void SetUp() override {
    ASSERT_EQ(w_.Orch({"lane", "open", "checkout", "--title", "Checkout"}).exit_code, 0);
    wt_ = w_.AddWorktree("wt1", "task/t1");
    w_.Dispatch("T1", "task/t1", wt_,
                {"--package-id", "checkout", "--gates", "make test", "--forbidden", "secrets/**"});
  }
  // A clean delivery: committed, inspected, the required gate passed (local).
  void Deliver() {
    w_.Commit(wt_, {{"src/a.cc", "int a;\n"}});
    ASSERT_EQ(w_.Orch({"inspect", "T1"}).exit_code, 0);
    Gate("T1", "make test", "pass", "local");
  }
  void Gate(const std::string& task, const std::string& cmd, const std::string& result,
            const std::string& label) {
    RunResult r =
        w_.Orch({"emit", "gate", "--task", task, "--command", cmd, "--result", result, "--label", label});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  RunResult Accept(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"review", "T1", "--verdict", "accepted"};
    args.insert(args.end(), extra.begin(), extra.end());
    return w_.Orch(args);
  }
  size_t Reviews() {
    size_t n = 0;
    for (const StoredEvent& e : w_.Events()) n += e.type == "reviewed" ? 1 : 0;
    return n;
  }
  GitWorld w_;
  std::string wt_;
};

// `orch review run` read `run` as the TASK and said "orch review needs
// --verdict" (or, with one, "unknown task").
TEST_F(ReviewCliTest, AWordThatIsNoTaskIsAnUnknownReviewCommand) {
  const size_t before = w_.Events().size();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"review", "run"},
        std::vector<std::string>{"review", "run", "--verdict", "accepted"}}) {
    RunResult r = w_.Orch(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(
        r.err.rfind("orch: unknown review command 'run' (orch review TASK --verdict V, or orch review import",
                    0),
        0u)
        << r.err;
  }
  EXPECT_EQ(w_.Events().size(), before);
  // An id that is no plain word is still a task: unknown, said as such.
  RunResult r = w_.Orch({"review", "T9", "--verdict", "rejected"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "orch: unknown task 'T9': no dispatched event for it\n");
}

TEST_F(ReviewCliTest, ACleanDeliveryIsAcceptedWithItsReport) {
  Deliver();
  RunResult r = Accept({"--evidence", "local", "--risk", "no e2e run", "--reviewer", "lead"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "gate: pass local make test (required)")) << r.out;
  const StoredEvent e = w_.Events().back();
  ASSERT_EQ(e.type, "reviewed");
  EXPECT_EQ(e.payload["verdict"], "accepted");
  EXPECT_EQ(e.payload["head"], w_.Head(wt_));
  EXPECT_EQ(e.payload["inspected_head"], w_.Head(wt_));
  EXPECT_EQ(e.payload["changed"], nlohmann::json::array({"src/a.cc"}));
  EXPECT_EQ(e.payload["gate_results"], nlohmann::json::array({"pass local make test"}));
  EXPECT_EQ(e.payload["backed_evidence"], "local");
  EXPECT_EQ(e.payload["residual_risks"], nlohmann::json::array({"no e2e run"}));
  EXPECT_FALSE(e.payload.contains("override_reason"));
  EXPECT_EQ(w_.StateOf("T1"), TaskState::kAccepted);
}

TEST_F(ReviewCliTest, RefusedWithoutAPassingRequiredGate) {
  w_.Commit(wt_, {{"src/a.cc", "int a;\n"}});
  ASSERT_EQ(w_.Orch({"inspect", "T1"}).exit_code, 0);
  RunResult r = Accept();
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(Has(r.err, "required gate 'make test' has no passing result (never run)")) << r.err;
  Gate("T1", "make test", "fail", "local");
  r = Accept();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Has(r.err, "required gate 'make test' has no passing result (latest: fail)")) << r.err;
  EXPECT_EQ(Reviews(), 0u);
}

TEST_F(ReviewCliTest, RefusedWithoutAnInspection) {
  w_.Commit(wt_, {{"src/a.cc", "int a;\n"}});
  ASSERT_EQ(w_.Orch({"emit", "completed", "--task", "T1"}).exit_code, 0);
  Gate("T1", "make test", "pass", "local");
  RunResult r = Accept();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Has(r.err, "no inspection: run orch inspect first")) << r.err;
  EXPECT_EQ(Reviews(), 0u);
}

TEST_F(ReviewCliTest, RefusedWhenTheInspectionIsOlderThanTheHead) {
  Deliver();
  const std::string inspected = w_.Head(wt_);
  const std::string later = w_.Commit(wt_, {{"src/b.cc", "int b;\n"}});
  RunResult r = Accept();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(
      Has(r.err, "saw head " + inspected.substr(0, 10) + ", the branch is now at " + later.substr(0, 10)))
      << r.err;
  ASSERT_EQ(w_.Orch({"inspect", "T1"}).exit_code, 0);
  EXPECT_EQ(Accept().exit_code, 0) << "inspected again: accepted";
}

TEST_F(ReviewCliTest, RefusedWhenForbiddenPathsWereTouched) {
  w_.Commit(wt_, {{"secrets/new.key", "k\n"}});
  EXPECT_EQ(w_.Orch({"inspect", "T1"}).exit_code, 5);
  ASSERT_EQ(w_.Orch({"emit", "completed", "--task", "T1"}).exit_code, 0);
  Gate("T1", "make test", "pass", "local");
  RunResult r = Accept();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Has(r.err, "forbidden paths touched: secrets/new.key")) << r.err;
}

TEST_F(ReviewCliTest, RefusedWhenTheDiffHasWhitespaceErrors) {
  w_.Commit(wt_, {{"src/a.cc", "int a;  \n"}});
  ASSERT_EQ(w_.Orch({"inspect", "T1"}).exit_code, 0);
  Gate("T1", "make test", "pass", "local");
  RunResult r = Accept();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Has(r.err,
                  "the diff has 1 whitespace error(s) (git diff --check), first: src/a.cc:1: trailing "
                  "whitespace."))
      << r.err;
}

TEST_F(ReviewCliTest, RefusedWhenTheLabelIsStrongerThanTheGatesBack) {
  Deliver();
  RunResult r = Accept({"--evidence", "direct"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Has(r.err, "evidence 'direct' is stronger than the strongest passing gate backs (local)"))
      << r.err;
  EXPECT_EQ(Reviews(), 0u);
}

TEST_F(ReviewCliTest, EveryReasonIsListedAtOnce) {
  w_.Commit(wt_, {{"secrets/x.key", "k \n"}});
  ASSERT_EQ(w_.Orch({"emit", "completed", "--task", "T1"}).exit_code, 0);
  RunResult r = Accept({"--evidence", "prod"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  for (const char* why :
       {"required gate 'make test'", "no inspection", "whitespace error", "evidence 'prod'"}) {
    EXPECT_TRUE(Has(r.err, why)) << why << " missing from " << r.err;
  }
}

TEST_F(ReviewCliTest, AnOverrideIsRecordedAndShownInRed) {
  w_.Commit(wt_, {{"src/a.cc", "int a;  \n"}});
  ASSERT_EQ(w_.Orch({"inspect", "T1"}).exit_code, 0);
  Gate("T1", "make test", "pass", "local");
  RunResult r = Accept({"--evidence", "direct", "--override", "generated file; staging checked by hand"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.out, "OVERRIDE: generated file; staging checked by hand (overrides 2 refusal(s))"))
      << r.out;
  const StoredEvent e = w_.Events().back();
  EXPECT_EQ(e.payload["override_reason"], "generated file; staging checked by hand");
  EXPECT_EQ(e.payload["overridden"].size(), 2u);
  EXPECT_EQ(e.payload["requested_evidence"], "direct") << "kept as asked, not promoted";
  EXPECT_EQ(w_.StateOf("T1"), TaskState::kAccepted);

  const std::string html = w_.Orch({"status", "--format", "html"}).out;
  EXPECT_TRUE(
      Has(html, "<span class=\"bad override\">override: generated file; staging checked by hand</span>"))
      << html;
  const std::string md = w_.Orch({"status", "--format", "md"}).out;
  EXPECT_TRUE(Has(md, "**OVERRIDE: generated file; staging checked by hand**")) << md;
  const std::string text = w_.Orch({"status"}).out;
  EXPECT_TRUE(Has(text, "T1 accepted OVERRIDE: generated file; staging checked by hand")) << text;
  // The evidence shown is what the gates back, not the overclaim.
  EXPECT_FALSE(Has(text, "direct")) << text;
}

TEST_F(ReviewCliTest, TheLifecycleCannotBeOverridden) {
  RunResult r = Accept({"--override", "trust me"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Has(r.err, "reviewed in state active: only a completed task can be reviewed")) << r.err;
  EXPECT_EQ(Reviews(), 0u);
}

TEST_F(ReviewCliTest, BadInputIsExitTwo) {
  EXPECT_EQ(w_.Orch({"review", "T9", "--verdict", "accepted"}).exit_code, 2);
  EXPECT_EQ(w_.Orch({"review", "T1", "--verdict", "maybe"}).exit_code, 2);
  EXPECT_EQ(w_.Orch({"review", "T1", "--verdict", "accepted", "--evidence", "solid"}).exit_code, 2);
  EXPECT_EQ(w_.Orch({"review", "T1", "--verdict", "rejected", "--override", "x"}).exit_code, 2);
}

TEST_F(ReviewCliTest, LaneClosesOnlyWhenItsTasksAreDoneAndNoP1IsOpen) {
  RunResult r = w_.Orch({"lane", "close", "checkout"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err, "orch: cannot close lane checkout: 1 unfinished task(s): T1 (active)\n");
  EXPECT_EQ(w_.Orch({"lane", "open", "checkout"}).exit_code, 3) << "already open";
  EXPECT_EQ(w_.Orch({"lane", "block", "nope"}).exit_code, 2);

  const std::string status = w_.Orch({"status", "--format", "md"}).out;
  EXPECT_TRUE(Has(status, "**checkout** — Checkout (open): 0 of 1 task(s) done, 0 accepted")) << status;
  EXPECT_TRUE(Has(status, "- cannot close: 1 unfinished task(s): T1 (active)")) << status;

  Deliver();
  ASSERT_EQ(Accept().exit_code, 0);
  WriteFile(w_.Path("codex-review.md"), "P1: rounding is wrong\n");
  ASSERT_EQ(w_.Orch({"review", "import", "--reviewer", "codex", "--file", w_.Path("codex-review.md"),
                     "--package", "checkout", "--status", "failed", "--p1", "1", "--p2", "2"})
                .exit_code,
            0);
  ASSERT_EQ(w_.Orch({"emit", "merged", "--task", "T1", "--merge-commit", w_.Head(wt_)}).exit_code, 0);
  r = w_.Orch({"lane", "close", "checkout"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Has(r.err, "unresolved P1: 1 from codex")) << r.err;
  EXPECT_FALSE(Has(r.err, "unfinished")) << r.err;
  const std::string json = w_.Orch({"status", "--json"}).out;
  auto j = nlohmann::json::parse(json);
  EXPECT_EQ(j["externalReviews"][0]["p1"], 1);
  EXPECT_EQ(j["lane"]["progress"]["done"], 1);

  // The same reviewer's clean import resolves it.
  ASSERT_EQ(w_.Orch({"review", "import", "--reviewer", "codex", "--file", w_.Path("codex-review.md"),
                     "--package", "checkout", "--status", "passed"})
                .exit_code,
            0);
  r = w_.Orch({"lane", "close", "checkout", "--reason", "done"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(w_.Events().back().type, "package-closed");
  EXPECT_EQ(w_.Orch({"lane", "close", "checkout"}).exit_code, 3) << "already closed";
}

TEST_F(ReviewCliTest, ATaskP1CountsForItsLane) {
  WriteFile(w_.Path("r.md"), "findings\n");
  ASSERT_EQ(w_.Orch({"review", "import", "--reviewer", "claude", "--file", w_.Path("r.md"), "--task", "T1",
                     "--status", "blocked", "--p1", "2"})
                .exit_code,
            0);
  RunResult r = w_.Orch({"lane", "close", "checkout"});
  EXPECT_TRUE(Has(r.err, "unresolved P1: 2 from claude on T1")) << r.err;
  EXPECT_EQ(w_.Orch({"review", "import", "--reviewer", "x", "--file", w_.Path("missing.md"), "--task", "T1",
                     "--status", "passed"})
                .exit_code,
            2);
  EXPECT_EQ(w_.Orch({"review", "import", "--reviewer", "x", "--file", w_.Path("r.md"), "--status", "passed"})
                .exit_code,
            2)
      << "neither --task nor --package";
  const StoredEvent e = w_.Events().back();
  EXPECT_EQ(e.type, "review-imported");
  EXPECT_EQ(e.payload["file_sha256"].get<std::string>().size(), 64u);
}

TEST_F(ReviewCliTest, TheReviewPackOfATwoCommitTaskHoldsItsDiffAndReport) {
  w_.Commit(wt_, {{"src/a.cc", "int first_commit_line;\n"}}, "first");
  w_.Commit(wt_, {{"src/b.cc", "int second_commit_line;\n"}}, "second");
  ASSERT_EQ(w_.Orch({"inspect", "T1"}).exit_code, 0);
  Gate("T1", "make test", "pass", "local");
  ASSERT_EQ(Accept({"--evidence", "local", "--risk", "no load test"}).exit_code, 0);
  const std::string out = w_.Path("pack.md");
  RunResult r = w_.Orch({"pack", "review", "T1", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string pack = ReadFile(out);
  for (const char* part :
       {"# Review pack: T1", "### Contract", "- forbidden: `secrets/**`", "### Acceptance report",
        "- verdict: **accepted**", "- gate `make test`: pass (local)", "- residual risk: no load test",
        "### Latest inspection", "+int first_commit_line;", "+int second_commit_line;", "src/a.cc | 1 +",
        "```diff"}) {
    EXPECT_TRUE(Has(pack, part)) << part << "\n" << pack;
  }
  // The diff is the one git prints.
  const std::string git_diff = Git(w_.repo, {"diff", w_.base, w_.Head(wt_)});
  EXPECT_TRUE(Has(pack, git_diff)) << pack;
  EXPECT_FALSE(Has(pack, "The diff is cut"));
  // Bounded: a small budget cuts it, with a note.
  r = w_.Orch({"pack", "review", "T1", "--max-diff-bytes", "200"});
  EXPECT_TRUE(Has(r.out, "**The diff is cut:**")) << r.out;
  EXPECT_FALSE(Has(r.out, "+int second_commit_line;")) << r.out;
}

// File names in the task's branch reach the pack quoted, in the diff stat
// as in the diff: a name with ESC/BEL put raw escapes into the pack, and
// one with a newline forged a line of it.
TEST_F(ReviewCliTest, TheReviewPackQuotesHostileFileNamesInItsDiffStat) {
  w_.Commit(wt_, {{"esc\x1b]0;PWNED\a\x1b[2J.txt", "x\n"}, {"new\n#99 forged line.txt", "y\n"}}, "names");
  ASSERT_EQ(w_.Orch({"inspect", "T1"}).exit_code, 0);  // its facts name the files too
  const std::string out = w_.Path("pack.md");
  RunResult r = w_.Orch({"pack", "review", "T1", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string pack = ReadFile(out);
  ASSERT_TRUE(Has(pack, "```diff")) << pack;
  for (char c : pack) {
    EXPECT_TRUE(c == '\n' || c == '\t' || static_cast<unsigned char>(c) >= 0x20)
        << "byte " << static_cast<int>(c) << " in\n"
        << pack;
  }
  for (absl::string_view line : absl::StrSplit(pack, '\n')) {
    EXPECT_FALSE(absl::StartsWith(line, "#99 forged")) << pack;
  }
  EXPECT_TRUE(Has(pack, " \"esc\\033]0;PWNED\\a\\033[2J.txt\" | 1 +")) << pack;
  EXPECT_TRUE(Has(pack, " \"new\\n#99 forged line.txt\"")) << pack;
}

TEST_F(ReviewCliTest, TheAcceptancePackOfALaneWithThreeTasks) {
  Deliver();
  ASSERT_EQ(Accept({"--evidence", "local", "--risk", "rounding in JPY untested"}).exit_code, 0);
  const std::string wt2 = w_.AddWorktree("wt2", "task/t2");
  w_.Dispatch("T2", "task/t2", wt2, {"--package-id", "checkout"});
  w_.Commit(wt2, {{"src/c.cc", "int c;  \n"}});
  ASSERT_EQ(w_.Orch({"inspect", "T2"}).exit_code, 0);
  ASSERT_EQ(
      w_.Orch({"review", "T2", "--verdict", "accepted", "--override", "whitespace is generated"}).exit_code,
      0);
  const std::string wt3 = w_.AddWorktree("wt3", "task/t3");
  w_.Dispatch("T3", "task/t3", wt3, {"--package-id", "checkout"});
  ASSERT_EQ(w_.Orch({"emit", "merged", "--task", "T1", "--merge-commit", w_.Head(wt_)}).exit_code, 0);

  const std::string out = w_.Path("acceptance.md");
  RunResult r = w_.Orch({"pack", "acceptance", "--package", "checkout", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string pack = ReadFile(out);
  for (const char* part :
       {"# Acceptance pack: lane checkout", "1 of 3 task(s) done, 2 accepted",
        "| T1 | merged | accepted | local |", "| T2 | accepted | accepted |", "**whitespace is generated**",
        "| T3 | active | _not reviewed_ |", "- residual risk: rounding in JPY untested",
        "- overrode: the diff has 1 whitespace error(s)", "## Before the lane can close",
        "- 2 unfinished task(s): T2 (accepted), T3 (active)"}) {
    EXPECT_TRUE(Has(pack, part)) << part << "\n" << pack;
  }
  EXPECT_EQ(w_.Orch({"pack", "acceptance"}).exit_code, 2);
  EXPECT_EQ(w_.Orch({"pack", "acceptance", "--package", "nope"}).exit_code, 2);
}

}  // namespace
}  // namespace orch::testing

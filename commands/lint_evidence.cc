// orch lint-evidence FILE...: names the overclaims in review and progress
// documents (projections/evidence_lint.h), one line per finding as
// FILE:LINE: RULE: MESSAGE. Exit 0 none, 1 findings, 2 a file cannot be read.
#include <memory>

#include "absl/strings/str_cat.h"
#include "base/display_text.h"
#include "base/status_macros.h"
#include "commands/input_file.h"
#include "commands/verbs.h"
#include "projections/evidence_lint.h"

namespace orch {

namespace {

// Exit code when overclaims were found (a linter's 1, like grep's).
constexpr int kExitFindings = 1;

struct LintOptions {
  std::vector<std::string> files;
};

absl::Status RunLintEvidence(const LintOptions& o, CommandContext& ctx) {
  // Every file is read before anything is reported: bad input is exit 2
  // whatever the other files hold.
  std::vector<std::string> texts;
  for (const std::string& f : o.files) {
    ORCH_ASSIGN_OR_RETURN(std::string text, ReadInputFile(f));
    texts.push_back(std::move(text));
  }
  size_t total = 0;
  for (size_t i = 0; i < o.files.size(); ++i) {
    for (const LintFinding& f : LintEvidence(texts[i])) {
      ++total;
      *ctx.out << EscapeForDisplay(o.files[i]) << ":" << f.line << ": " << f.rule << ": "
               << EscapeForDisplay(f.message) << "\n";
    }
  }
  if (total == 0) return absl::OkStatus();
  return WithExitCode(absl::FailedPreconditionError(absl::StrCat(total, " overclaim(s) found")),
                      kExitFindings);
}

}  // namespace

void RegisterLintEvidence(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<LintOptions>();
  CLI::App* sub = app.add_subcommand(
      "lint-evidence", "Find overclaims in review and progress documents (proof called stronger than it is)");
  sub->add_option("files", o->files, "Documents to check")->required();
  sub->footer(
      "Rules: weak-called-strong (local or proxy proof called direct, pre-production or production),\n"
      "label-without-gate (an evidence label claimed in a line that names no gate). Negated sentences\n"
      "(\"this is not direct proof\") are not findings.\n"
      "Example:\n  orch lint-evidence docs/progress.md review.md\n"
      "Exit codes: 0 no overclaim, 1 overclaims found (listed as FILE:LINE: RULE: MESSAGE), 2 a file\n"
      "cannot be read.");
  sub->callback([o, &ctx]() { ctx.result = RunLintEvidence(*o, ctx); });
}

}  // namespace orch

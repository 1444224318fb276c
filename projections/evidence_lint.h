// The overclaim finder behind `orch lint-evidence`: reads a review or
// progress document (Markdown or plain text) line by line and names the
// sentences that claim proof stronger than what backs it, on the evidence
// ladder of the design brief (blocked < static < local < proxy < direct <
// pre < prod). Two rules:
//
//   weak-called-strong  a sentence that names local or proxy proof (local,
//                       localhost, proxy, mock, stub, fake, fixture,
//                       simulated, emulator, sandbox, unit test, dry run)
//                       and calls it direct, pre-production or production;
//   label-without-gate  an evidence label given as a claim ("evidence:
//                       direct", "evidence label = prod", "label: proxy")
//                       in a line that names no gate behind it.
//
// A claim word preceded in its clause by a negation (not, no, never,
// without, cannot, isn't, nothing, ...) is not a claim: "this is not
// direct proof" is no finding. Fenced code blocks are skipped.
//
// Pure; thread-safe. Lines are numbered from 1.
#ifndef ORCH_PROJECTIONS_EVIDENCE_LINT_H_
#define ORCH_PROJECTIONS_EVIDENCE_LINT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace orch {

struct LintFinding {
  size_t line = 0;
  std::string rule;     // weak-called-strong, label-without-gate
  std::string message;  // one line: what is claimed and why it is too strong
};

std::vector<LintFinding> LintEvidence(absl::string_view document);

}  // namespace orch

#endif  // ORCH_PROJECTIONS_EVIDENCE_LINT_H_

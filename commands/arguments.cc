// Checks on the raw command line, before CLI11 or any verb sees it.
#include "absl/strings/str_cat.h"
#include "base/utf8.h"
#include "commands/verbs.h"

namespace orch {

absl::Status CheckArgumentsUtf8(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const std::optional<size_t> bad = FirstInvalidUtf8(a);
    if (!bad) continue;
    std::string what = absl::StrCat("argument ", i + 1);
    size_t offset = *bad;
    const size_t eq = a.find('=');
    if (a.rfind("--", 0) == 0 && eq != std::string::npos && *bad > eq) {
      what = a.substr(0, eq);  // --note=VALUE
      offset -= eq + 1;
    } else if (!a.empty() && a[0] != '-' && i > 0 && args[i - 1].size() > 1 && args[i - 1][0] == '-' &&
               args[i - 1].find('=') == std::string::npos) {
      what = args[i - 1];  // --note VALUE (the flag itself was checked already)
    }
    return absl::InvalidArgumentError(absl::StrCat("invalid UTF-8 in ", what, " at byte ", offset));
  }
  return absl::OkStatus();
}

}  // namespace orch

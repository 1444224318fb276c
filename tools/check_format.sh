#!/usr/bin/env bash
# Fails (exit 1) when a C++ file differs from the repository's .clang-format,
# naming each one. Run by tools/setup.sh --test, so CI enforces the format.
# Fix with: git ls-files '*.cc' '*.h' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
bad=()
while IFS= read -r f; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done < <(git ls-files '*.cc' '*.h' 2>/dev/null || find . -name '*.cc' -o -name '*.h' | grep -v '^./build/')
if ((${#bad[@]})); then
  echo "clang-format: ${#bad[@]} file(s) differ from .clang-format:" >&2
  printf '  %s\n' "${bad[@]}" >&2
  echo "fix with: git ls-files '*.cc' '*.h' | xargs clang-format -i" >&2
  exit 1
fi
echo "== format: every C++ file matches .clang-format"

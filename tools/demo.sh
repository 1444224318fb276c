#!/usr/bin/env bash
# A simulated night of an AI coding loop, recorded by orch in a sandbox git
# repository: three tasks dispatched to workers in their own worktrees,
# commits, a review, a merge and a push, a missed heartbeat and a blocked
# task. Ends with the timeline (orch replay) and the morning's status pages.
#
#   tools/demo.sh [SANDBOX_DIR]     (default: a new directory under /tmp)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
orch="$root/build/commands/orch"
[ -x "$orch" ] || { echo "build orch first: tools/setup.sh" >&2; exit 1; }
sandbox="${1:-$(mktemp -d "${TMPDIR:-/tmp}/orch-demo-XXXXXX")}"
mkdir -p "$sandbox"
repo="$sandbox/shop"
export GIT_AUTHOR_NAME="Demo Worker" GIT_AUTHOR_EMAIL="worker@example.com"
export GIT_COMMITTER_NAME="Demo Worker" GIT_COMMITTER_EMAIL="worker@example.com"

# The latest night (22:00 UTC to 06:00) that is over at least four hours,
# and a helper for "N minutes later": orch refuses events dated in the
# future, so a demo run at 01:00 replays the night before.
base=$(( ($(date -u +%s) - 10 * 3600) / 86400 * 86400 - 2 * 3600 ))
at() { date -u -d "@$((base + $1 * 60))" +%Y-%m-%dT%H:%M:%SZ; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
emit() { "$orch" emit "$@" >/dev/null; }

say "sandbox repository $repo with a bare remote"
git init -q --bare "$sandbox/origin.git"
git init -q -b main "$repo"
cd "$repo"
git config commit.gpgsign false
mkdir -p web/checkout api/payments printing docs
echo "# Shop" > README.md
echo "export const total = 0;" > web/checkout/cart.ts
echo "def charge(): pass" > api/payments/charge.py
echo ".orch/" > .gitignore
git add . && git commit -qm "Initial shop"
git remote add origin "$sandbox/origin.git"
git push -q origin main

say "orch init (store at $repo/.orch)"
"$orch" init --default-branch main --remote origin --max-concurrency 3 --project-root "$repo" --at "$(at 0)"
emit run-mode-changed --mode active --reason "night run" --at "$(at 0)"
emit package-opened --package-id checkout --title "Customer checkout" --reason "first lane of the roadmap" --at "$(at 0)"
emit heartbeat --source cron --next-expected-at "$(at 30)" --at "$(at 0)"

say "dispatch three workers, each in its own worktree"
base_commit=$(git rev-parse HEAD)
dispatch() {  # task branch title allowed minute: checked by the dispatch rules (ORCH_NOW dates it)
  ORCH_NOW="$(at "$5")" "$orch" dispatch "$1" --branch "$2" --title "$3" --package checkout \
    --base-commit "$base_commit" --allowed "$4" --allowed "docs/review-$1.md" --forbidden 'db/**' --gate "ctest" \
    --evidence-expected local --self-review "docs/review-$1.md" --worker "worker-$1"
  git worktree add -q -b "$2" "$sandbox/wt-$1" "$base_commit"
  emit worktree-ready --task "$1" --worktree "$sandbox/wt-$1" --branch "$2" --base-commit "$base_commit" \
    --thread-id "thread-$1" --at "$(at $(($5 + 2)))"
}
dispatch T1 task/t1-cart-total "Cart total with discounts" 'web/checkout/**' 5
dispatch T2 task/t2-payment-retry "Retry declined payments" 'api/payments/**' 6
dispatch T3 task/t3-receipts "Print receipts at checkout" 'printing/**' 7

say "workers commit on their own branches"
commit_in() {  # task file content message minute
  (cd "$sandbox/wt-$1" && mkdir -p "$(dirname "$2")" docs && echo "$3" > "$2" &&
    echo "Self-review of $1: scope kept, tests added." > "docs/review-$1.md" &&
    git add . && git commit -qm "$4")
  local sha
  sha=$(git -C "$sandbox/wt-$1" rev-parse HEAD)
  emit committed --task "$1" --commit "$sha" --files "$2" --files "docs/review-$1.md" --message "$4" --at "$(at "$5")"
}
commit_in T1 web/checkout/cart.ts "export const total = (items) => items.reduce((a, b) => a + b, 0);" "Cart total" 40
emit heartbeat --source cron --next-expected-at "$(at 60)" --at "$(at 30)"
commit_in T2 api/payments/retry.py "def retry(): return 3" "Retry declined payments" 55

say "T3 needs a human"
emit blocked --task T3 --reason "printer SDK needs a licence key" --needs-human --at "$(at 58)"

say "T1 completes and is reviewed, merged, pushed and cleaned"
emit completed --task T1 --self-review-path docs/review-T1.md --claimed-evidence local --at "$(at 62)"
emit heartbeat --source cron --next-expected-at "$(at 90)" --at "$(at 60)"
emit gate --task T1 --command "ctest" --result pass --label local --at "$(at 70)"
emit review-started --task T1 --reviewer orchestrator --at "$(at 72)"
# Never trust "done": orch inspect reads the delivery from git; orch review
# accepts only what the inspection, the gates and git back (ORCH_NOW dates both).
ORCH_NOW="$(at 75)" "$orch" inspect T1 >/dev/null
ORCH_NOW="$(at 80)" "$orch" review T1 --verdict accepted --reviewer orchestrator --evidence local \
  --risk "no browser test yet"
git merge -q --no-ff task/t1-cart-total -m "Merge T1: cart total"
emit merged --task T1 --merge-commit "$(git rev-parse HEAD)" --target-branch main --at "$(at 82)"
git push -q origin main
emit pushed --task T1 --remote origin --commit "$(git rev-parse HEAD)" --branch main --at "$(at 84)"
git worktree remove "$sandbox/wt-T1" && git branch -q -d task/t1-cart-total
emit cleaned --task T1 --worktree-removed --branch-deleted --at "$(at 86)"

say "the 01:30 wake-up never came; the watchdog notices at 02:40"
emit heartbeat-missed --expected-at "$(at 210)" --gap-seconds 70m --actor watchdog --at "$(at 280)"
emit heartbeat --source cron --next-expected-at "$(at 310)" --at "$(at 280)"
emit completed --task T2 --self-review-path docs/review-T2.md --claimed-evidence local --at "$(at 290)"
emit run-mode-changed --mode draining --reason "morning: finish reviews, no new dispatch" --at "$(at 480)"

if "$orch" inspect --help >/dev/null 2>&1; then
  say "orch inspect T2: the delivery unit, read from git"
  "$orch" inspect T2 || true
fi

say "orch replay: what actually happened overnight"
"$orch" replay

say "orch verify"
"$orch" verify

if "$orch" export --help >/dev/null 2>&1; then
  say "the morning's status pages"
  "$orch" export --dir "$sandbox/status" --since "$(at 0)"
  ls -l "$sandbox/status"
  echo
  cat "$sandbox/status/status.md"
  echo
  echo "open $sandbox/status/status.html in a browser"
fi

# The emits above went through a store server that `orch emit` started; the
# demo leaves nothing running behind it.
"$orch" serve --stop >/dev/null 2>&1 || true

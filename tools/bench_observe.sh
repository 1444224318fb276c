#!/usr/bin/env bash
# Benchmark: `orch observe` (libgit2, one process) against the predecessor's
# way of reading git truth: a shell loop running `git status` and `git log`
# in every worktree.
#
# Usage: tools/bench_observe.sh ORCH_BIN [WORKTREES=200] [RUNS=7]
# Builds a repository with WORKTREES linked worktrees, each on its own branch
# with one commit beyond the base (so every task needs a status and a diff),
# and a log with one active task per worktree. Prints the median wall time
# of each side over RUNS runs and the ratio. Not a test: run it by hand.
set -euo pipefail

ORCH=${1:?usage: bench_observe.sh ORCH_BIN [WORKTREES] [RUNS]}
N=${2:-200}
RUNS=${3:-7}
ORCH=$(readlink -f "$ORCH")
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com

WORK=$(mktemp -d "${TMPDIR:-/tmp}/orch-bench-observe-XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT
REPO=$WORK/repo
STORE=$WORK/store

echo "building a repository with $N worktrees in $WORK ..." >&2
git init -q -b main "$REPO"
mkdir -p "$REPO/src"
for i in $(seq 1 20); do echo "file $i" > "$REPO/src/f$i.cc"; done
echo readme > "$REPO/README.md"
git -C "$REPO" add -A
git -C "$REPO" commit -q -m init
BASE=$(git -C "$REPO" rev-parse HEAD)

"$ORCH" --store "$STORE" init --project-root "$REPO" >/dev/null
EVENTS=$WORK/events.jsonl
: > "$EVENTS"
for i in $(seq 1 "$N"); do
  wt=$WORK/wt/t$i
  git -C "$REPO" worktree add -q -b "task/t$i" "$wt" "$BASE"
  echo "change $i" > "$wt/src/f$(( (i % 20) + 1 )).cc"
  git -C "$wt" commit -q -am "work $i"
  printf '{"type":"dispatched","task":"T%d","title":"t%d","branch":"task/t%d","base_commit":"%s","allowed":["src/**"]}\n' \
    "$i" "$i" "$i" "$BASE" >> "$EVENTS"
  printf '{"type":"worktree-ready","task":"T%d","worktree":"%s","branch":"task/t%d","base_commit":"%s"}\n' \
    "$i" "$wt" "$i" "$BASE" >> "$EVENTS"
done
"$ORCH" --store "$STORE" emit --jsonl "$EVENTS" >/dev/null

now_ns() { date +%s%N; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_orch() {
  "$ORCH" --store "$STORE" observe --json > "$WORK/observe.json"
}

run_shell() {
  for i in $(seq 1 "$N"); do
    wt=$WORK/wt/t$i
    git -C "$wt" status --porcelain > /dev/null
    git -C "$wt" log --oneline "$BASE..HEAD" > /dev/null
  done
}

run_orch; run_shell  # warm the page cache for both
: > "$WORK/orch.ms"; : > "$WORK/shell.ms"
for r in $(seq 1 "$RUNS"); do
  t0=$(now_ns); run_orch; t1=$(now_ns)
  echo $(( (t1 - t0) / 1000000 )) >> "$WORK/orch.ms"
  t0=$(now_ns); run_shell; t1=$(now_ns)
  echo $(( (t1 - t0) / 1000000 )) >> "$WORK/shell.ms"
done

ORCH_MED=$(median < "$WORK/orch.ms")
SHELL_MED=$(median < "$WORK/shell.ms")
FINDINGS=$(grep -o '"kind"' "$WORK/observe.json" | wc -l)
echo "worktrees/tasks:            $N"
echo "runs:                       $RUNS"
echo "orch observe median:        ${ORCH_MED} ms   (runs: $(tr '\n' ' ' < "$WORK/orch.ms"); $FINDINGS findings)"
echo "git status+log loop median: ${SHELL_MED} ms   (runs: $(tr '\n' ' ' < "$WORK/shell.ms"))"
awk -v a="$SHELL_MED" -v b="$ORCH_MED" 'BEGIN { printf "ratio (loop / orch):        %.1fx\n", (b > 0 ? a / b : 0) }'

#!/usr/bin/env bash
# Sets up orch on a fresh Debian machine: installs the Debian packages that
# are missing, configures and builds into build/, then optionally runs the
# demo or the whole test suite.
#
#   tools/setup.sh           install + build
#   tools/setup.sh --demo    install + build + a simulated night in a sandbox repository
#   tools/setup.sh --test    install + build + every test (ctest) + the format check
#
# Runs as root (apt-get) or with sudo available. Re-running is cheap: nothing
# is installed twice and the build is incremental.
set -euo pipefail

cd "$(dirname "$0")/.."
mode="${1:-}"
case "$mode" in
  ""|--demo|--test) ;;
  *) echo "usage: tools/setup.sh [--demo|--test]" >&2; exit 2 ;;
esac

packages=(
  cmake g++ make pkg-config git
  librocksdb-dev libflatbuffers-dev flatbuffers-compiler libgit2-dev libabsl-dev
  libspdlog-dev libcli11-dev libgtest-dev nlohmann-json3-dev libssl-dev clang-format
  libnats-dev nats-server
  libcpp-httplib-dev chromium-headless-shell sqlite3
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs="$(nproc 2>/dev/null || echo 2)"
echo "== building into build/ ($jobs jobs; log in build/build.log)"
mkdir -p build
if ! { cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build -j "$jobs"; } >build/build.log 2>&1; then
  grep -E "error|Error" build/build.log | head -20 >&2
  echo "build failed: see build/build.log" >&2
  exit 1
fi

case "$mode" in
  --demo) exec tools/demo.sh ;;
  --test)
    format_ok=0
    tools/check_format.sh || format_ok=$?
    (cd build && ctest --output-on-failure -j "$jobs")
    exit "$format_ok" ;;
esac
echo "== built build/commands/orch"

#!/usr/bin/env bash
# README's second command (and what CI runs): install what is missing, build, run every test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
build_dir=${PAGODA_BUILD_DIR:-$root/build}
cd "$build_dir"
ctest --output-on-failure --timeout 600 -j "$(nproc)"

#!/usr/bin/env bash
# Configures (once) and builds Pagoda into ./build with Ninja.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${PAGODA_BUILD_DIR:-$root/build}
build_type=${PAGODA_BUILD_TYPE:-Release}
if [ ! -f "$build_dir/build.ninja" ]; then
    cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type"
fi
cmake --build "$build_dir" --parallel "$(nproc)"

#!/usr/bin/env bash
# Renders every page of the desktop window, in English and in Simplified Chinese, to
# docs/screenshots/*.png under a virtual X server. Needs xvfb and a CJK font
# (apt-get install xvfb xauth fonts-wqy-microhei); not part of CI.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${PAGODA_BUILD_DIR:-$root/build}
cmake --build "$build_dir" --target screenshot_tour
out="$root/docs/screenshots"
for language in en zh_CN; do
    scratch=$(mktemp -d)
    XDG_CONFIG_HOME=$scratch/config XDG_DATA_HOME=$scratch/data XDG_CACHE_HOME=$scratch/cache \
        LANGUAGE= LC_ALL=C.UTF-8 \
        xvfb-run -a -s "-screen 0 1600x1000x24" "$build_dir/tests/screenshot_tour" "$out" "$language"
    rm -rf "$scratch"
done

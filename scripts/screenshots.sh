#!/usr/bin/env bash
# Renders every page of the desktop window to docs/screenshots/SCREEN/PAGE-LANGUAGE-THEME.png:
# screens 1366x768 and 1920x1080, English and Simplified Chinese, light and dark, under a
# virtual X server of that size. Needs xvfb and a CJK font
# (apt-get install xvfb xauth fonts-wqy-microhei); not part of CI.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${PAGODA_BUILD_DIR:-$root/build}
cmake --build "$build_dir" --target screenshot_tour pagoda_demo_model
out="$root/docs/screenshots"
for screen in ${PAGODA_SCREENS:-1366x768 1920x1080}; do
    for language in en zh_CN; do
        for theme in light dark; do
            scratch=$(mktemp -d)
            XDG_CONFIG_HOME=$scratch/config XDG_DATA_HOME=$scratch/data XDG_CACHE_HOME=$scratch/cache \
                LANGUAGE= LC_ALL=C.UTF-8 \
                xvfb-run -a -s "-screen 0 ${screen}x24" \
                "$build_dir/tests/screenshot_tour" "$out" "$language" "$theme" "$screen"
            rm -rf "$scratch"
        done
    done
done

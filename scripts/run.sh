#!/usr/bin/env bash
# README's first command: install what is missing, build, and start Pagoda on the demo model
# that ships with it (resources/demo-model), so it works offline. With a display that is the
# desktop window (which loads the demo model on first run, later the model used last);
# without one, `pagoda serve` on the demo model. Arguments go to `pagoda serve`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${PAGODA_BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh"
# A first build compiles the CUDA kernels for this machine's cards only, rather than the fat
# list meant for packages (one nvcc pass per architecture); with no card, for sm_75, whose PTX
# any newer card JIT-compiles.
if [ -z "${PAGODA_CUDA_ARCHITECTURES:-}" ] && [ ! -f "$build_dir/build.ninja" ]; then
    arches=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | tr -d '.' | sort -u | paste -sd ';' || true)
    export PAGODA_CUDA_ARCHITECTURES=${arches:-75}
fi
"$root/scripts/build.sh"
pagoda="$build_dir/app/pagoda"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec "$pagoda"
fi
echo "No display: serving the demo model with 'pagoda serve' instead of opening the window." >&2
echo "Try: curl http://127.0.0.1:8000/v1/chat/completions -H 'Content-Type: application/json' \\" >&2
echo "       -d '{\"model\": \"pagoda/demo\", \"messages\": [{\"role\": \"user\", \"content\": \"写一首诗\"}]}'" >&2
exec "$pagoda" serve --model pagoda/demo "$@"

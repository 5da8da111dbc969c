#!/usr/bin/env bash
# README's first command: install what is missing, build, and start Pagoda. With a display
# that is the desktop window; without one, greedy generation from a tiny random-weight
# fixture model (gibberish by design) through a real SentencePiece tokenizer shows the
# engine works. Arguments go to that generate command.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
build_dir=${PAGODA_BUILD_DIR:-$root/build}
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec "$build_dir/app/pagoda"
fi
echo "No display: running 'pagoda generate' on a fixture model instead of opening the window." >&2
exec "$build_dir/app/pagoda" generate \
    --model "$root/tests/fixtures/models/qwen3-f32" \
    --tokenizer "$root/tests/fixtures/tokenizers/sentencepiece" \
    --prompt "Hello, Pagoda" --max-tokens 32 "$@"

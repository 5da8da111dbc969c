#!/usr/bin/env bash
# README's first command: install what is missing, build, and run Pagoda's main job.
# Until the desktop issue lands, that job is greedy text generation from a tiny
# random-weight fixture model (so the text is gibberish) through a real SentencePiece
# tokenizer with the same 512-token vocabulary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
build_dir=${PAGODA_BUILD_DIR:-$root/build}
exec "$build_dir/app/pagoda" generate \
    --model "$root/tests/fixtures/models/qwen3-f32" \
    --tokenizer "$root/tests/fixtures/tokenizers/sentencepiece" \
    --prompt "Hello, Pagoda" --max-tokens 32 "$@"

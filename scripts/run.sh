#!/usr/bin/env bash
# README's first command: install what is missing, build, and run Pagoda's main job.
# Until the tokenizer and desktop issues land, that job is greedy text generation
# (token ids in, token ids out) from a tiny fixture model checked into the repo.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
build_dir=${PAGODA_BUILD_DIR:-$root/build}
exec "$build_dir/app/pagoda" generate \
    --model "$root/tests/fixtures/models/qwen3-f32" \
    --prompt-ids 1,2,3,4,5 --max-tokens 32 "$@"

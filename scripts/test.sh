#!/usr/bin/env bash
# README's second command (and what CI runs): install what is missing, build, run every test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
# CUDA kernels for one architecture (sm_75 SASS + compute_75 PTX, which every newer card
# JIT-compiles): the fat default list would multiply nvcc's time by seven.
PAGODA_CUDA_ARCHITECTURES=${PAGODA_CUDA_ARCHITECTURES:-75} "$root/scripts/build.sh"
build_dir=${PAGODA_BUILD_DIR:-$root/build}
# The API tests drive `pagoda serve` with the official openai client, from a virtualenv.
venv="$build_dir/test-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import openai, jsonschema" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/tests/clients/requirements.txt"
fi
cd "$build_dir"
ctest --output-on-failure --timeout 600 -j "$(nproc)"

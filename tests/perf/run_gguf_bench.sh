#!/usr/bin/env bash
# Pagoda against llama.cpp on the same GGUF files, same threads, one run (issue 18, "Performance").
#
#   bash tests/perf/run_gguf_bench.sh            # the full run (0.5B and 3B, Q4_K_M and Q8_0); writes tests/perf/results/gguf_bench.md
#   bash tests/perf/run_gguf_bench.sh --quick    # a tiny model, one run each: checks that every piece works
#   bash tests/perf/run_gguf_bench.sh --help     # gguf_bench.py's options (all are passed through)
#
# Setup is run_cpu_bench.sh's (`--setup-only`): it builds `pagoda` and `pagoda_memory_bandwidth` (skip with
# PAGODA_BENCH_SKIP_BUILD=1), creates or reuses build/perf-venv and builds llama-cpp-python from its sdist with
# -DGGML_NATIVE=ON. Then tests/perf/gguf_bench.py writes the models into build/perf-models (once; the 3B one needs
# about 18 GB of disk: bf16 checkpoint, BF16, Q8_0 and Q4_K_M GGUFs) and measures both engines on each file.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${PAGODA_BUILD_DIR:-$repo/build}
command_line="bash tests/perf/run_gguf_bench.sh${*:+ $*}"

if [[ "${1:-}" != --help && "${1:-}" != -h ]]; then
    bash "$here/run_cpu_bench.sh" --setup-only
fi
version=$(sed -n 's/^llama-cpp-python==\([^[:space:]#]*\).*/\1/p' "$here/requirements-cpu-bench.txt")
exec "$build/perf-venv/bin/python" "$here/gguf_bench.py" --build-dir "$build" \
    --llama-cpp-src "$build/perf-src/llama_cpp_python-$version" \
    --llama-cpp-build-info "$build/perf-logs/llama-cpp-python-build.json" --command "$command_line" "$@"

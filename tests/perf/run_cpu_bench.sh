#!/usr/bin/env bash
# Pagoda against llama.cpp and transformers on this CPU, in one run (issue 8, "Benchmarks").
#
#   bash tests/perf/run_cpu_bench.sh                 # the full run; writes tests/perf/results/cpu_bench.md
#   bash tests/perf/run_cpu_bench.sh --quick         # tiny shapes, to check that every piece works
#   bash tests/perf/run_cpu_bench.sh --rows prefill  # some rows only: decode, throughput, prefill, ttft, bf16,
#                                                    # int8 (report: build/perf-logs/cpu_bench-rows.md)
#   bash tests/perf/run_cpu_bench.sh --estimate      # how long the run would take, then exit
#   bash tests/perf/run_cpu_bench.sh --setup-only    # build, venv and llama-cpp-python only
#   bash tests/perf/run_cpu_bench.sh --help          # cpu_bench.py's options (all are passed through)
#
# What it does before handing over to tests/perf/cpu_bench.py:
#   1. builds `pagoda` and `pagoda_memory_bandwidth` in $PAGODA_BUILD_DIR (default build/);
#      PAGODA_BENCH_SKIP_BUILD=1 uses the binaries as they are;
#   2. creates or reuses the venv build/perf-venv with the pinned versions of
#      tests/perf/requirements-cpu-bench.txt (reinstalled when that file changes); torch comes
#      from the CPU wheel index when download.pytorch.org is reachable, otherwise from PyPI;
#   3. downloads the llama-cpp-python sdist from PyPI into build/perf-src, unpacks it (its
#      vendor/llama.cpp holds convert_hf_to_gguf.py) and builds it from source with
#      CMAKE_ARGS="-DGGML_NATIVE=ON", as a user tuning it for their CPU would; the build log and
#      its duration go to build/perf-logs/. A failed download or build does not stop the run:
#      cpu_bench.py then reports llama.cpp as "failed: <reason>".
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${PAGODA_BUILD_DIR:-$repo/build}
venv=$build/perf-venv
logs=$build/perf-logs
src=$build/perf-src
req=$here/requirements-cpu-bench.txt
torch_cpu_index=https://download.pytorch.org/whl/cpu

command_line="bash tests/perf/run_cpu_bench.sh${*:+ $*}"
setup_only=0
if [[ "${1:-}" == --setup-only ]]; then
    setup_only=1
    shift
fi

log() { printf '[run_cpu_bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
pinned() { sed -n "s/^$1==\([^[:space:]#]*\).*/\1/p" "$req"; }

mkdir -p "$logs" "$src"

# 1. Binaries.
if [[ "${PAGODA_BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    log "building pagoda and pagoda_memory_bandwidth in $build"
    cmake --build "$build" --target pagoda pagoda_memory_bandwidth
fi

# 2. The venv.
if [[ ! -x "$venv/bin/python" ]]; then
    log "creating $venv"
    "${PYTHON:-python3}" -m venv "$venv"
fi
py=$venv/bin/python
stamp=$venv/.requirements.sha256
want=$(sha256sum "$req" | cut -d' ' -f1)
if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]]; then
    if "$py" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=15)' \
        "$torch_cpu_index/torch/" 2>/dev/null; then
        log "installing torch $(pinned torch) from $torch_cpu_index (CPU-only wheel)"
        "$py" -m pip install --index-url "$torch_cpu_index" "torch==$(pinned torch)" 2>&1 | tee "$logs/pip-torch.log"
    else
        log "$torch_cpu_index is not reachable: torch comes from PyPI (its CUDA build, a large download)"
    fi
    log "installing the pinned Python packages (log: $logs/pip-install.log)"
    grep -v '^llama-cpp-python' "$req" >"$logs/requirements-python.txt"
    "$py" -m pip install -r "$logs/requirements-python.txt" 2>&1 | tee "$logs/pip-install.log"
    echo "$want" >"$stamp"
fi

# 3. llama-cpp-python: the sdist (for the converter) and a native build of it.
llama_version=$(pinned llama-cpp-python)
sdist=$src/llama_cpp_python-$llama_version.tar.gz
llama_src=$src/llama_cpp_python-$llama_version
build_info=$logs/llama-cpp-python-build.json
if [[ ! -f "$sdist" ]]; then
    log "downloading the llama-cpp-python $llama_version sdist"
    "$py" -m pip download --no-binary :all: --no-deps -d "$src" "llama-cpp-python==$llama_version" \
        >"$logs/llama-cpp-python-download.log" 2>&1 || log "download failed: see $logs/llama-cpp-python-download.log"
fi
if [[ -f "$sdist" && ! -d "$llama_src" ]]; then
    tar -xzf "$sdist" -C "$src"
fi
installed=$("$py" -c 'import importlib.metadata as m; print(m.version("llama_cpp_python"))' 2>/dev/null || true)
if [[ "$installed" != "$llama_version" ]]; then
    build_log=$logs/llama-cpp-python-build.log
    cmake_args="-DGGML_NATIVE=ON"
    status=ok
    started=$(date +%s)
    if [[ ! -f "$sdist" ]]; then
        status="failed: could not download the llama-cpp-python $llama_version sdist from PyPI"
    else
        log "building llama-cpp-python $llama_version from source, CMAKE_ARGS=\"$cmake_args\" (log: $build_log)"
        if ! CMAKE_ARGS="$cmake_args" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
            "$py" -m pip install -v "$sdist" >"$build_log" 2>&1; then
            reason=$(grep -m1 -E -i '(error|failed)' "$build_log" | cut -c1-160 || true)
            status="failed: pip install of the sdist did not build (${reason:-see $build_log})"
        fi
    fi
    seconds=$(($(date +%s) - started))
    log "llama-cpp-python: $status after ${seconds}s"
    "$py" - "$build_info" "$llama_version" "$status" "$seconds" "$cmake_args" <<'EOF'
import json, sys, time
path, version, status, seconds, cmake_args = sys.argv[1:]
json.dump({"version": version, "status": status, "build_seconds": int(seconds), "cmake_args": cmake_args,
           "built_at": time.strftime("%Y-%m-%d %H:%M:%S")}, open(path, "w"), indent=1)
EOF
fi

if [[ $setup_only == 1 ]]; then
    log "setup done"
    exit 0
fi

# 4. The measurements.
exec "$py" "$here/cpu_bench.py" --build-dir "$build" --llama-cpp-src "$llama_src" \
    --llama-cpp-build-info "$build_info" --command "$command_line" "$@"

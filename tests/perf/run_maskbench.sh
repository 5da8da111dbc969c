#!/usr/bin/env bash
# MaskBench (issue 19): Pagoda's grammar engine, LLGuidance and XGrammar on JSONSchemaBench's schemas, one run.
#
#   bash tests/perf/run_maskbench.sh --data DIR --per-split 100    # dev splits, 100 schemas each (~15 min on 2 cores)
#   bash tests/perf/run_maskbench.sh --data DIR                     # every dev split in full
#   bash tests/perf/run_maskbench.sh --data DIR --splits all        # all 11k schemas (hours: XGrammar dominates)
#   bash tests/perf/run_maskbench.sh --data DIR --resume ...        # keep the cached results, measure what is missing
#   bash tests/perf/run_maskbench.sh --help                         # maskbench.py's options (all are passed through)
#
# tests/perf/results/maskbench.md is two runs, the second appended (--append) to the first:
#   bash tests/perf/run_maskbench.sh --splits all --per-split 100 --resume
#   bash tests/perf/run_maskbench.sh --splits all --engines pagoda,llguidance --tokenizers llama3 --resume --append
# Single-threaded times for all 11,305 schemas and one tokenizer on a 2-core Xeon shared with builds: LLGuidance
# ~4 min, Pagoda ~19 min, XGrammar ~2 h (its compile often hits the 10 s limit); --jobs N measures N at once.
#
# DIR is maskbench/data of a clone of guidance-ai/jsonschemabench (GitHub); MASKBENCH_DATA may name it instead,
# and without either build/maskbench-data is read.
# Writes tests/perf/results/maskbench.md; the per-schema JSONL lines stay in build/maskbench-out/.
#
# Before handing over to tests/perf/maskbench.py this
#   1. builds the C++ runner `maskbench` in $PAGODA_BUILD_DIR (default build/); PAGODA_BENCH_SKIP_BUILD=1 skips it;
#   2. creates or reuses the venv build/maskbench-venv with the pinned versions below. XGrammar imports torch:
#      the venv borrows it from build/perf-venv (run_cpu_bench.sh's) when that exists, else installs it from PyPI.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${PAGODA_BUILD_DIR:-$repo/build}
venv=$build/maskbench-venv
command_line="bash tests/perf/run_maskbench.sh${*:+ $*}"
engines=(llguidance==1.9.1 xgrammar==0.2.8)
pins=(apache-tvm-ffi==0.1.15.post2 pydantic==2.14.4 numpy==2.4.6 typing-extensions tokenizers==0.23.3
      transformers==5.23.0)
torch_pin=torch==2.15.0

log() { printf '[run_maskbench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ "${1:-}" != --help && "${1:-}" != -h ]]; then
    if [[ "${PAGODA_BENCH_SKIP_BUILD:-0}" != 1 ]]; then
        log "building maskbench in $build"
        cmake --build "$build" --target maskbench
    fi
    if [[ ! -x "$venv/bin/python" ]]; then
        log "creating $venv"
        "${PYTHON:-python3}" -m venv "$venv"
    fi
    py=$venv/bin/python
    stamp=$venv/.maskbench-pins
    if [[ "$(cat "$stamp" 2>/dev/null || true)" != "${engines[*]} ${pins[*]} $torch_pin" ]]; then
        # The engines without their dependencies (xgrammar also asks for triton, a GPU compiler the CPU run never
        # uses), then what they import, with theirs.
        "$py" -m pip install -q --no-deps "${engines[@]}"
        "$py" -m pip install -q "${pins[@]}"
        if ! "$py" -c 'import torch' 2>/dev/null; then
            perf_site=$(ls -d "$build"/perf-venv/lib/python3*/site-packages 2>/dev/null | head -1 || true)
            if [[ -n "$perf_site" && -d "$perf_site/torch" ]]; then
                log "borrowing torch from $perf_site"
                site=$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
                echo "$perf_site" > "$site/zz_perf_venv_torch.pth"
            else
                log "installing $torch_pin from PyPI"
                "$py" -m pip install -q "$torch_pin"
            fi
        fi
        echo "${engines[*]} ${pins[*]} $torch_pin" > "$stamp"
    fi
fi

data_args=()
if [[ -n "${MASKBENCH_DATA:-}" ]]; then
    data_args=(--data "$MASKBENCH_DATA")
fi
exec "$build/maskbench-venv/bin/python" "$here/maskbench.py" --runner "$build/tests/perf/maskbench" \
    --out-dir "$build/maskbench-out" --command "$command_line" "${data_args[@]}" "$@"

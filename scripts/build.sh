#!/usr/bin/env bash
# Configures (once) and builds Pagoda into ./build with Ninja.
# PAGODA_CUDA_ARCHITECTURES (optional) overrides the CUDA backend's architecture list, e.g.
# "75" for one SASS target plus PTX that any newer card JIT-compiles (what CI uses, since
# each architecture is another nvcc pass); unset keeps CMake's fat default.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${PAGODA_BUILD_DIR:-$root/build}
build_type=${PAGODA_BUILD_TYPE:-Release}
cuda_args=()
if [ -n "${PAGODA_CUDA_ARCHITECTURES:-}" ]; then
    cuda_args+=("-DPAGODA_CUDA_ARCHITECTURES=$PAGODA_CUDA_ARCHITECTURES")
fi
if [ ! -f "$build_dir/build.ninja" ]; then
    cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" "${cuda_args[@]}"
elif [ ${#cuda_args[@]} -gt 0 ]; then
    cmake "${cuda_args[@]}" "$build_dir" >/dev/null  # an existing build follows a changed list
fi
cmake --build "$build_dir" --parallel "$(nproc)"

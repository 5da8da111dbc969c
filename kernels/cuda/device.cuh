// The device vocabulary every CUDA kernel header (kernels/cuda/*.cuh) includes first: the
// function markers, dynamic shared memory, element conversions and warp/block reductions.
// One definition serves nvcc and the CPU SIMT harness (tests/simt/simt.h), so the
// reductions the kernels rely on are the ones the harness tests. See README.md for the
// subset of CUDA kernels must be written in.
#pragma once

#if defined(__CUDACC__)
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cassert>
#elif !defined(PAGODA_SIMT_HARNESS)
// kernels/ never includes tests/: the harness header must come first and provide the CUDA
// built-ins (threadIdx, __syncthreads, __shfl_xor_sync, __nv_bfloat16, ...) on the host.
#error "kernels/cuda headers compile with nvcc or under tests/simt/simt.h"
#endif

#include "kernels/common/portable.h"

// Kernels mark functions with these, never with __global__/__device__ directly: the harness
// does not define the CUDA keywords, so a kernel written with them fails to compile there
// rather than silently meaning something else. On the host a kernel is an inline function
// (headers are included by several test files) that the launcher calls once per thread.
#if defined(__CUDACC__)
#define PAGODA_DEVICE __device__ __forceinline__
#define PAGODA_GLOBAL __global__
#else
#define PAGODA_DEVICE inline
#define PAGODA_GLOBAL inline
#endif

// PAGODA_DYNAMIC_SHARED(float, scratch); declares `scratch` as the block's dynamic shared
// memory (the launch's dynamicSharedBytes), 16-byte aligned. On CUDA one untyped extern
// array is reinterpreted, because extern __shared__ arrays of different element types in
// two template instantiations are a redeclaration error. The harness fills it with 0xff
// bytes (NaN floats, -1 ints) at every block: kernels must write before they read.
#if defined(__CUDACC__)
#define PAGODA_DYNAMIC_SHARED(type, name)                                   \
    extern __shared__ __align__(16) unsigned char pagodaDynamicSharedRaw[]; \
    type* name = reinterpret_cast<type*>(pagodaDynamicSharedRaw)
#else
#define PAGODA_DYNAMIC_SHARED(type, name) type* name = ::pagoda::simt::dynamicShared<type>()
#endif

// In-kernel invariant check. On the GPU a failure traps (the launch reports an error at
// the next synchronisation; kept in release builds, unlike assert); in the harness it
// fails the launch with the condition, file and line.
#if defined(__CUDACC__)
#define PAGODA_KERNEL_ASSERT(cond) \
    do {                           \
        if (!(cond)) __trap();     \
    } while (0)
#else
#define PAGODA_KERNEL_ASSERT(cond) \
    do {                           \
        if (!(cond)) ::pagoda::simt::kernelAssertFailed(#cond, __FILE__, __LINE__); \
    } while (0)
#endif

namespace pagoda::cuda {

constexpr int kWarpSize = 32;
constexpr unsigned kFullWarpMask = 0xffffffffu;

// A kernel launch as plain host numbers: grid (x, y, z) blocks of `block` threads with
// `sharedBytes` of dynamic shared memory. Every kernel's shape function returns one, and the
// .cu launcher and the SIMT test both launch from it, so the launch itself is tested.
struct LaunchShape {
    int gridX = 1;
    int gridY = 1;
    int gridZ = 1;
    int block = 32;
    size_t sharedBytes = 0;

    dim3 grid() const { return dim3(unsigned(gridX), unsigned(gridY), unsigned(gridZ)); }
};

// Element widening and narrowing. Narrowing rounds to nearest even, as torch's casts do.
PAGODA_DEVICE float toFloat(float x) { return x; }
PAGODA_DEVICE float toFloat(__nv_bfloat16 x) { return __bfloat162float(x); }
PAGODA_DEVICE float toFloat(__half x) { return __half2float(x); }

template <class T>
PAGODA_DEVICE T fromFloat(float x);
template <>
PAGODA_DEVICE float fromFloat<float>(float x) {
    return x;
}
template <>
PAGODA_DEVICE __nv_bfloat16 fromFloat<__nv_bfloat16>(float x) {
    return __float2bfloat16(x);
}
template <>
PAGODA_DEVICE __half fromFloat<__half>(float x) {
    return __float2half(x);
}

// The thread's index within its block in CUDA's linear order (x fastest), which is also
// the order lanes and warps are numbered in.
PAGODA_DEVICE unsigned linearThreadIdx() {
    return threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
}
PAGODA_DEVICE unsigned blockThreadCount() { return blockDim.x * blockDim.y * blockDim.z; }

// Xor butterfly: every lane ends with the same bits (each pairwise sum is a+b in one lane
// and b+a in its partner, equal in IEEE), so lanes never disagree about a reduction.
// Needs all 32 lanes of the warp present and converged.
PAGODA_DEVICE float warpSum(float v) {
    for (int offset = kWarpSize / 2; offset > 0; offset /= 2) v += __shfl_xor_sync(kFullWarpMask, v, offset);
    return v;
}

PAGODA_DEVICE float warpMax(float v) {
    for (int offset = kWarpSize / 2; offset > 0; offset /= 2) v = fmaxf(v, __shfl_xor_sync(kFullWarpMask, v, offset));
    return v;
}

// Block-wide reductions; every thread of the block gets the result. `shared32` is a
// __shared__ float[32] of the caller. The block's thread count must be a multiple of 32;
// every thread must call (it contains __syncthreads). The trailing barrier lets the caller
// reuse shared32 (e.g. a second blockSum) right away.
PAGODA_DEVICE float blockSum(float v, float* shared32) {
    const unsigned tid = linearThreadIdx();
    const unsigned lane = tid % kWarpSize, warp = tid / kWarpSize;
    const unsigned numWarps = blockThreadCount() / kWarpSize;
    v = warpSum(v);
    if (lane == 0) shared32[warp] = v;
    __syncthreads();
    v = lane < numWarps ? shared32[lane] : 0.0f;
    v = warpSum(v);
    __syncthreads();
    return v;
}

PAGODA_DEVICE float blockMax(float v, float* shared32) {
    const unsigned tid = linearThreadIdx();
    const unsigned lane = tid % kWarpSize, warp = tid / kWarpSize;
    const unsigned numWarps = blockThreadCount() / kWarpSize;
    v = warpMax(v);
    if (lane == 0) shared32[warp] = v;
    __syncthreads();
    v = lane < numWarps ? shared32[lane] : -INFINITY;
    v = warpMax(v);
    __syncthreads();
    return v;
}

}  // namespace pagoda::cuda

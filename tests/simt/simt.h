// The SIMT harness: the CUDA built-ins a kernel of kernels/cuda/*.cuh uses, on the host, so
// g++ compiles the kernel source unchanged and pagoda::simt::launch runs it on the CPU.
// Include this before any kernels/cuda header. The supported subset is in
// kernels/cuda/README.md.
//
// How a launch runs: blocks one after another; the threads of a block as fibers (one
// stack each, reused across blocks and launches) on the launching thread, switched only
// at __syncthreads, warp shuffles and __syncwarp. A thread that reaches a barrier some
// other thread of its block (or warp) can never reach — it exited, or waits at a different
// barrier — fails the launch at once with a message naming the launch site, the block and
// the threads, rather than hanging. Fibers rather than OS threads because a block of 256
// threads on two cores would spend its time in context switches, and because the
// interleaving is then deterministic: setScheduleOrder replays it forwards, backwards or
// shuffled, which is how a test shakes out a missing __syncthreads.
#pragma once

#define PAGODA_SIMT_HARNESS 1

#include <atomic>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <source_location>
#include <stdexcept>
#include <string>
#include <utility>

#include "kernels/common/dtype.h"

// ---- Launch geometry ---------------------------------------------------------------------

struct uint3 {
    unsigned x, y, z;
};

struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned vx = 1, unsigned vy = 1, unsigned vz = 1) : x(vx), y(vy), z(vz) {}
};

// Set by the launcher before each thread runs; read by kernels as threadIdx.x etc.
inline thread_local uint3 threadIdx{0, 0, 0};
inline thread_local uint3 blockIdx{0, 0, 0};
inline thread_local dim3 blockDim;
inline thread_local dim3 gridDim;
constexpr int warpSize = 32;

// Blocks of one launch run one after another and all threads of a block share the static,
// so a function-local static is exactly "one copy per block". Like CUDA it is neither
// zeroed nor reset between blocks: write before reading.
#define __shared__ static
#define __launch_bounds__(...)
#define __forceinline__ inline

namespace pagoda::simt {

// Why a launch failed: a launch limit, a barrier some thread cannot reach, a divergent or
// partial-warp shuffle, a PAGODA_KERNEL_ASSERT, or an exception thrown by the kernel.
// The message is also printed to stderr, in case the test framework hides what().
struct LaunchError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Type-erased kernel body, so the scheduler lives in simt.cpp.
struct KernelBody {
    void* object;
    void (*call)(void*);
};

void launchErased(dim3 grid, dim3 block, size_t dynamicSharedBytes, KernelBody body, const std::source_location& where);

// Runs kernelBody once per thread of every block, as kernel<<<grid, block, dynamicSharedBytes>>>
// would, and returns when all blocks are done. Throws LaunchError.
template <class F>
void launch(dim3 grid, dim3 block, size_t dynamicSharedBytes, F&& kernelBody,
            std::source_location where = std::source_location::current()) {
    using Body = std::remove_reference_t<F>;
    KernelBody erased{const_cast<void*>(static_cast<const void*>(&kernelBody)),
                      [](void* p) { (*static_cast<Body*>(p))(); }};
    launchErased(grid, block, dynamicSharedBytes, erased, where);
}

// Like launch, but returns the failure message (empty on success) instead of throwing.
template <class F>
std::string tryLaunch(dim3 grid, dim3 block, size_t dynamicSharedBytes, F&& kernelBody,
                      std::source_location where = std::source_location::current()) {
    try {
        launch(grid, block, dynamicSharedBytes, std::forward<F>(kernelBody), where);
    } catch (const LaunchError& e) {
        return e.what();
    }
    return {};
}

// The default cap on dynamic shared memory is CUDA's 48 KiB; raising it mirrors
// cudaFuncSetAttribute(MaxDynamicSharedMemorySize). Up to 99 KiB (sm_86/sm_89 opt-in;
// sm_75 allows only 64 KiB). Applies to later launches on this thread.
constexpr size_t kDefaultDynamicSharedLimit = 48 * 1024;
constexpr size_t kMaxDynamicSharedLimit = 99 * 1024;
void setDynamicSharedLimit(size_t bytes);

// The order in which runnable threads of a block are resumed between barriers. Forward
// (the default) runs thread 0 first, so a thread that gathers others' results without a
// barrier reads stale data; Reverse and Shuffled catch the other direction.
enum class ScheduleOrder { Forward, Reverse, Shuffled };
void setScheduleOrder(ScheduleOrder order, uint32_t seed = 1);

// The current block's dynamic shared memory (nullptr when the launch asked for none).
void* dynamicSharedBytes();
template <class T>
T* dynamicShared() {
    return static_cast<T*>(dynamicSharedBytes());
}

[[noreturn]] void kernelAssertFailed(const char* condition, const char* file, int line);

// Built-in implementations (called through the CUDA names below).
void syncThreads();
void syncWarp(unsigned mask);
enum class ShuffleKind { Xor, Down, Up, Index };
uint32_t shuffleBits(unsigned mask, uint32_t bits, int operand, ShuffleKind kind);

// IEEE binary16 from f32, rounding to nearest even (overflow to infinity, subnormals
// exact); NaN becomes 0x7fff as in cuda_fp16.
uint16_t floatToF16(float f);

template <class T>
T shuffle(unsigned mask, T value, int operand, ShuffleKind kind) {
    static_assert(sizeof(T) == 4, "the harness shuffles 32-bit values (float, int, unsigned) only");
    uint32_t bits;
    std::memcpy(&bits, &value, 4);
    bits = shuffleBits(mask, bits, operand, kind);
    std::memcpy(&value, &bits, 4);
    return value;
}

}  // namespace pagoda::simt

// ---- Synchronisation and warp shuffles ----------------------------------------------------

inline void __syncthreads() { pagoda::simt::syncThreads(); }
inline void __syncwarp(unsigned mask = 0xffffffffu) { pagoda::simt::syncWarp(mask); }
// Blocks run sequentially, so there is no other block to order writes against.
inline void __threadfence() {}
inline void __threadfence_block() {}

#define PAGODA_SIMT_SHUFFLES(T)                                                          \
    inline T __shfl_xor_sync(unsigned mask, T v, int laneMask) {                         \
        return pagoda::simt::shuffle(mask, v, laneMask, pagoda::simt::ShuffleKind::Xor); \
    }                                                                                    \
    inline T __shfl_down_sync(unsigned mask, T v, unsigned delta) {                      \
        return pagoda::simt::shuffle(mask, v, int(delta), pagoda::simt::ShuffleKind::Down); \
    }                                                                                    \
    inline T __shfl_up_sync(unsigned mask, T v, unsigned delta) {                        \
        return pagoda::simt::shuffle(mask, v, int(delta), pagoda::simt::ShuffleKind::Up); \
    }                                                                                    \
    inline T __shfl_sync(unsigned mask, T v, int srcLane) {                              \
        return pagoda::simt::shuffle(mask, v, srcLane, pagoda::simt::ShuffleKind::Index); \
    }
PAGODA_SIMT_SHUFFLES(float)
PAGODA_SIMT_SHUFFLES(int)
PAGODA_SIMT_SHUFFLES(unsigned)
#undef PAGODA_SIMT_SHUFFLES

// ---- Atomics (return the old value, as CUDA's do) -----------------------------------------

// A block's threads share one host thread, so these are atomic already; atomic_ref keeps
// them right if a test ever launches from several host threads onto shared counters.
inline float atomicAdd(float* address, float v) { return std::atomic_ref<float>(*address).fetch_add(v); }
inline int atomicAdd(int* address, int v) { return std::atomic_ref<int>(*address).fetch_add(v); }
inline unsigned atomicAdd(unsigned* address, unsigned v) { return std::atomic_ref<unsigned>(*address).fetch_add(v); }
inline int atomicMax(int* address, int v) {
    std::atomic_ref<int> ref(*address);
    int old = ref.load();
    while (old < v && !ref.compare_exchange_weak(old, v)) {
    }
    return old;
}
inline unsigned atomicMax(unsigned* address, unsigned v) {
    std::atomic_ref<unsigned> ref(*address);
    unsigned old = ref.load();
    while (old < v && !ref.compare_exchange_weak(old, v)) {
    }
    return old;
}
inline int atomicCAS(int* address, int compare, int v) {
    std::atomic_ref<int>(*address).compare_exchange_strong(compare, v);
    return compare;
}
inline unsigned atomicCAS(unsigned* address, unsigned compare, unsigned v) {
    std::atomic_ref<unsigned>(*address).compare_exchange_strong(compare, v);
    return compare;
}

// ---- 16-bit floats ------------------------------------------------------------------------

// Storage only, like the CUDA types without their operators: kernels convert through
// toFloat/fromFloat (device.cuh), so arithmetic on them would not compile here.
struct __nv_bfloat16 {
    uint16_t m_bits;
};
struct __half {
    uint16_t m_bits;
};
static_assert(sizeof(__nv_bfloat16) == 2 && sizeof(__half) == 2);

inline float __bfloat162float(__nv_bfloat16 h) { return pagoda::bf16ToFloat(h.m_bits); }
inline __nv_bfloat16 __float2bfloat16(float f) { return {pagoda::floatToBf16(f)}; }
inline __nv_bfloat16 __float2bfloat16_rn(float f) { return {pagoda::floatToBf16(f)}; }
inline float __half2float(__half h) { return pagoda::f16ToFloat(h.m_bits); }
inline __half __float2half(float f) { return {pagoda::simt::floatToF16(f)}; }
inline __half __float2half_rn(float f) { return {pagoda::simt::floatToF16(f)}; }
inline unsigned short __bfloat16_as_ushort(__nv_bfloat16 h) { return h.m_bits; }
inline __nv_bfloat16 __ushort_as_bfloat16(unsigned short b) { return {b}; }
inline unsigned short __half_as_ushort(__half h) { return h.m_bits; }
inline __half __ushort_as_half(unsigned short b) { return {b}; }

// ---- Vector types for aligned wide loads --------------------------------------------------

struct alignas(8) float2 {
    float x, y;
};
struct alignas(16) float4 {
    float x, y, z, w;
};
struct alignas(8) uint2 {
    unsigned x, y;
};
struct alignas(16) uint4 {
    unsigned x, y, z, w;
};
inline float2 make_float2(float x, float y) { return {x, y}; }
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }

// ---- Math ---------------------------------------------------------------------------------

// expf, logf, sqrtf, fmaxf, fminf, fabsf, INFINITY... come from <cmath>. The fast
// intrinsics are computed exactly here; the GPU's are approximate (a few ulp), so
// kernel tests compare with a tolerance.
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline float __expf(float x) { return std::exp(x); }
inline float __logf(float x) { return std::log(x); }
inline float __sinf(float x) { return std::sin(x); }
inline float __cosf(float x) { return std::cos(x); }
inline float __fdividef(float a, float b) { return a / b; }
inline int __float_as_int(float f) { return std::bit_cast<int>(f); }
inline float __int_as_float(int i) { return std::bit_cast<float>(i); }
inline unsigned __float_as_uint(float f) { return std::bit_cast<unsigned>(f); }
inline float __uint_as_float(unsigned u) { return std::bit_cast<float>(u); }
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline unsigned min(unsigned a, unsigned b) { return a < b ? a : b; }
inline unsigned max(unsigned a, unsigned b) { return a > b ? a : b; }

template <class T>
inline T __ldg(const T* p) {
    return *p;
}

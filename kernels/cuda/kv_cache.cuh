// KV-cache write by slot mapping (vLLM's reshape_and_cache): each token's k and v rows go
// to slot slotMapping[t] of the paged caches, converted to the cache dtype.
#pragma once

#include <cstdint>
#include <string>

#include "kernels/cuda/device.cuh"
#include "kernels/cuda/elementwise_launch.cuh"

namespace pagoda::cuda {

inline constexpr int kKvCacheThreads = 256;

// One block per token (grid-stride beyond the grid limit), threads striding the
// numKvHeads * headDim elements of the token.
inline LaunchShape writeKvCacheShape(int numTokens, int numKvHeads, int headDim) {
    return rowLaunchShape(numTokens, numKvHeads * headDim, kKvCacheThreads);
}

inline std::string writeKvCacheCheck(int kStride, int vStride, int numTokens, int numKvHeads, int headDim,
                                     DType cacheType) {
    if (std::string e = elementTypeCheck("writeKvCache", "cacheType", cacheType); !e.empty()) return e;
    const std::string where = "writeKvCache: ";
    if (numTokens < 0) return where + "numTokens " + std::to_string(numTokens) + " is negative";
    if (numKvHeads <= 0) return where + "numKvHeads " + std::to_string(numKvHeads) + " must be positive";
    if (headDim <= 0) return where + "headDim " + std::to_string(headDim) + " must be positive";
    const long long width = (long long)numKvHeads * headDim;
    if (width > 2147483647LL) return where + "numKvHeads x headDim exceeds 2^31";
    if (kStride < width)
        return where + "kStride " + std::to_string(kStride) + " is less than numKvHeads x headDim " +
               std::to_string(width);
    if (vStride < width)
        return where + "vStride " + std::to_string(vStride) + " is less than numKvHeads x headDim " +
               std::to_string(width);
    return {};
}

// Cache layout [numBlocks, blockSize, numKvHeads, headDim]: slot s = block * blockSize +
// offset starts at element s * numKvHeads * headDim, so the block size is not needed here.
// Negative slots are padding and skipped (vLLM's reshape_and_cache skips slot < 0 too).
template <typename CacheT>
PAGODA_GLOBAL void writeKvCacheKernel(const float* k, int kStride, const float* v, int vStride,
                                   const int64_t* slotMapping, int numTokens, int width, CacheT* kCache,
                                   CacheT* vCache) {
    for (int t = blockIdx.x; t < numTokens; t += gridDim.x) {
        const int64_t slot = slotMapping[t];
        if (slot < 0) continue;  // uniform across the block: no barrier inside
        const float* kt = k + size_t(t) * kStride;
        const float* vt = v + size_t(t) * vStride;
        CacheT* kc = kCache + size_t(slot) * width;
        CacheT* vc = vCache + size_t(slot) * width;
        for (int i = threadIdx.x; i < width; i += blockDim.x) {
            kc[i] = fromFloat<CacheT>(kt[i]);
            vc[i] = fromFloat<CacheT>(vt[i]);
        }
    }
}

}  // namespace pagoda::cuda

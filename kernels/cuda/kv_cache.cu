// Host entry point of the KV-cache write (launchers.h).
#include "kernels/cuda/kv_cache.cuh"
#include "kernels/cuda/launchers.h"

namespace pagoda::cuda {

LaunchStatus writeKvCache(const float* k, int kStride, const float* v, int vStride, const int64_t* slotMapping,
                          int numTokens, int numKvHeads, int headDim, void* kCache, void* vCache, DType cacheType,
                          cudaStream_t stream) {
    if (std::string error = writeKvCacheCheck(kStride, vStride, numTokens, numKvHeads, headDim, cacheType);
        !error.empty())
        return error;
    if (numTokens == 0) return {};
    const LaunchShape shape = writeKvCacheShape(numTokens, numKvHeads, headDim);
    withElementType(cacheType, [&](auto zero) {
        using C = decltype(zero);
        writeKvCacheKernel<C><<<shape.grid(), shape.block, shape.sharedBytes, stream>>>(
            k, kStride, v, vStride, slotMapping, numTokens, numKvHeads * headDim, static_cast<C*>(kCache),
            static_cast<C*>(vCache));
    });
    if (cudaError_t error = cudaGetLastError(); error != cudaSuccess)
        return std::string("writeKvCache: ") + cudaGetErrorString(error);
    return {};
}

}  // namespace pagoda::cuda

// Host entry point of the embedding gather (launchers.h).
#include "kernels/cuda/embedding.cuh"
#include "kernels/cuda/launchers.h"

namespace pagoda::cuda {

LaunchStatus embedding(const int32_t* tokenIds, int numTokens, const void* table, DType tableType, int hidden,
                       float* out, cudaStream_t stream) {
    if (std::string error = embeddingCheck(numTokens, hidden, tableType); !error.empty()) return error;
    if (numTokens == 0) return {};
    const LaunchShape shape = embeddingShape(numTokens, hidden);
    withElementType(tableType, [&](auto zero) {
        using T = decltype(zero);
        embeddingKernel<T><<<shape.grid(), shape.block, shape.sharedBytes, stream>>>(
            tokenIds, numTokens, static_cast<const T*>(table), hidden, out);
    });
    if (cudaError_t error = cudaGetLastError(); error != cudaSuccess)
        return std::string("embedding: ") + cudaGetErrorString(error);
    return {};
}

}  // namespace pagoda::cuda

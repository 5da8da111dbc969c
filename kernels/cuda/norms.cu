// Host entry points of the RMSNorm kernels (launchers.h).
#include "kernels/cuda/launchers.h"
#include "kernels/cuda/norms.cuh"

namespace pagoda::cuda {

LaunchStatus addRmsNorm(float* residual, const float* delta, const void* weight, DType weightType, int rows,
                        int hidden, float eps, void* out, DType outType, cudaStream_t stream) {
    if (std::string error = addRmsNormCheck(rows, hidden, eps, weightType, outType); !error.empty()) return error;
    if (rows == 0) return {};
    const LaunchShape shape = addRmsNormShape(rows, hidden);
    withElementType(weightType, [&](auto weightZero) {
        withElementType(outType, [&](auto outZero) {
            using W = decltype(weightZero);
            using O = decltype(outZero);
            addRmsNormKernel<W, O><<<shape.grid(), shape.block, shape.sharedBytes, stream>>>(
                residual, delta, static_cast<const W*>(weight), rows, hidden, eps, static_cast<O*>(out));
        });
    });
    if (cudaError_t error = cudaGetLastError(); error != cudaSuccess)
        return std::string("addRmsNorm: ") + cudaGetErrorString(error);
    return {};
}

LaunchStatus headRmsNorm(float* x, int numTokens, int numHeads, int headDim, const void* weight, DType weightType,
                         float eps, cudaStream_t stream) {
    if (std::string error = headRmsNormCheck(numTokens, numHeads, headDim, eps, weightType); !error.empty())
        return error;
    if (numTokens == 0) return {};
    const LaunchShape shape = headRmsNormShape(numTokens, numHeads);
    withElementType(weightType, [&](auto zero) {
        using W = decltype(zero);
        headRmsNormKernel<W><<<shape.grid(), shape.block, shape.sharedBytes, stream>>>(
            x, numTokens * numHeads, headDim, static_cast<const W*>(weight), eps);
    });
    if (cudaError_t error = cudaGetLastError(); error != cudaSuccess)
        return std::string("headRmsNorm: ") + cudaGetErrorString(error);
    return {};
}

}  // namespace pagoda::cuda

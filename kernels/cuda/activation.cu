// Host entry point of SiLU-mul (launchers.h).
#include "kernels/cuda/activation.cuh"
#include "kernels/cuda/launchers.h"

namespace pagoda::cuda {

LaunchStatus siluMul(const float* gateUp, int numTokens, int intermediate, void* out, DType outType,
                     cudaStream_t stream) {
    if (std::string error = siluMulCheck(numTokens, intermediate, outType); !error.empty()) return error;
    if (numTokens == 0) return {};
    const LaunchShape shape = siluMulShape(numTokens, intermediate);
    withElementType(outType, [&](auto zero) {
        using O = decltype(zero);
        siluMulKernel<O><<<shape.grid(), shape.block, shape.sharedBytes, stream>>>(gateUp, numTokens, intermediate,
                                                                                 static_cast<O*>(out));
    });
    if (cudaError_t error = cudaGetLastError(); error != cudaSuccess)
        return std::string("siluMul: ") + cudaGetErrorString(error);
    return {};
}

}  // namespace pagoda::cuda

// Host entry point of RoPE (launchers.h).
#include "kernels/cuda/launchers.h"
#include "kernels/cuda/rope.cuh"

namespace pagoda::cuda {

LaunchStatus rope(float* q, int qStride, float* k, int kStride, const int32_t* positions, int numTokens, int numHeads,
                  int numKvHeads, int headDim, int rotaryDim, bool interleaved, const float* invFreq,
                  cudaStream_t stream) {
    if (std::string error = ropeCheck(qStride, kStride, numTokens, numHeads, numKvHeads, headDim, rotaryDim);
        !error.empty())
        return error;
    if (numTokens == 0) return {};
    const LaunchShape shape = ropeShape(numTokens, numHeads, numKvHeads, rotaryDim);
    ropeKernel<<<shape.grid(), shape.block, shape.sharedBytes, stream>>>(
        q, qStride, k, kStride, positions, numTokens, numHeads, numKvHeads, headDim, rotaryDim, interleaved, invFreq);
    if (cudaError_t error = cudaGetLastError(); error != cudaSuccess)
        return std::string("rope: ") + cudaGetErrorString(error);
    return {};
}

}  // namespace pagoda::cuda

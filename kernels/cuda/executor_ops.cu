#include "kernels/cuda/executor_ops.h"

#include <string>

#include "kernels/cuda/executor_ops.cuh"

namespace pagoda::cuda {

namespace {

constexpr int kThreads = 256;
constexpr int kMaxGridX = 2147483647;

LaunchStatus launched(const char* name) {
    const cudaError_t error = cudaGetLastError();
    return error == cudaSuccess ? LaunchStatus() : std::string(name) + ": " + cudaGetErrorString(error);
}

}  // namespace

LaunchStatus addBias(float* x, int rows, int cols, int stride, const float* bias, cudaStream_t stream) {
    if (rows < 0 || cols < 0 || stride < cols)
        return "addBias: rows " + std::to_string(rows) + ", cols " + std::to_string(cols) + ", stride " +
               std::to_string(stride) + " (need rows, cols >= 0 and stride >= cols)";
    if (rows == 0 || cols == 0) return {};
    addBiasKernel<<<rows, kThreads, 0, stream>>>(x, cols, stride, bias);
    return launched("addBias");
}

LaunchStatus gatherRows(const float* src, int cols, const int32_t* rowIndices, int numRows, float* dst,
                        cudaStream_t stream) {
    if (numRows < 0 || numRows > kMaxGridX || cols < 0)
        return "gatherRows: " + std::to_string(numRows) + " rows of " + std::to_string(cols) + " columns";
    if (numRows == 0 || cols == 0) return {};
    gatherRowsKernel<<<numRows, kThreads, 0, stream>>>(src, cols, rowIndices, dst);
    return launched("gatherRows");
}

}  // namespace pagoda::cuda

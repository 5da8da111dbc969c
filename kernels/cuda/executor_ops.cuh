// Kernels of executor_ops.h, in the SIMT subset (README.md): one block per row, threads
// striding over the columns, no shared memory and no synchronization.
#pragma once

#include <cstdint>

#include "kernels/cuda/device.cuh"

namespace pagoda::cuda {

PAGODA_GLOBAL void addBiasKernel(float* x, int cols, int stride, const float* bias) {
    float* row = x + size_t(blockIdx.x) * size_t(stride);
    for (int c = int(threadIdx.x); c < cols; c += int(blockDim.x)) row[c] += bias[c];
}

PAGODA_GLOBAL void gatherRowsKernel(const float* src, int cols, const int32_t* rowIndices, float* dst) {
    const float* from = src + size_t(rowIndices[blockIdx.x]) * size_t(cols);
    float* to = dst + size_t(blockIdx.x) * size_t(cols);
    for (int c = int(threadIdx.x); c < cols; c += int(blockDim.x)) to[c] = from[c];
}

}  // namespace pagoda::cuda

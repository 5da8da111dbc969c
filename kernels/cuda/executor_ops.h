// The CUDA executor's own small kernels, beside the shared launchers of launchers.h:
// adding a bias to product rows and gathering the rows that need logits.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cuda/launchers.h"

namespace pagoda::cuda {

// x[r, c] += bias[c] for r < rows, c < cols; rows are `stride` floats apart so this works on
// a slice of a fused qkv output.
LaunchStatus addBias(float* x, int rows, int cols, int stride, const float* bias, cudaStream_t stream);

// dst[i, :] = src[rowIndices[i], :] for i < numRows; rows of `cols` floats.
LaunchStatus gatherRows(const float* src, int cols, const int32_t* rowIndices, int numRows, float* dst,
                        cudaStream_t stream);

}  // namespace pagoda::cuda

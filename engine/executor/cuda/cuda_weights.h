// The decoder's weights on the GPU, uploaded once in their checkpoint dtype, with q|k|v and
// gate|up concatenated so each pair of products is one cuBLAS call. Module-only.
#pragma once

#include <cuda_runtime.h>

#include <vector>

#include "engine/executor/cuda/cuda_check.h"
#include "engine/model/model.h"

namespace pagoda::cuda {

struct DeviceMatrix {
    const void* data = nullptr;  // [rows, cols] row-major
    DType type = DType::BF16;
    int rows = 0;
    int cols = 0;
};

struct DeviceVector {
    const void* data = nullptr;  // null when the architecture has none
    DType type = DType::F32;
};

struct DeviceLayer {
    DeviceMatrix qkv;      // rows: q (numHeads*headDim), k, v (numKvHeads*headDim each)
    const float* qkvBias = nullptr;  // f32, same row order; null without bias
    DeviceMatrix o;
    const float* oBias = nullptr;
    DeviceMatrix gateUp;   // rows: gate (intermediate), up (intermediate)
    DeviceMatrix down;
    DeviceVector attnNorm, qNorm, kNorm, postAttnNorm, mlpNorm, postMlpNorm;
};

struct DeviceWeights {
    DeviceMatrix embed;
    DeviceMatrix lmHead;  // shares embed's memory when tied
    DeviceVector finalNorm;
    std::vector<DeviceLayer> layers;
    DType activationType = DType::BF16;  // the matrices' dtype: what cuBLAS reads, and the KV cache's
    std::vector<DeviceBuffer> storage;
    size_t bytes = 0;
};

Result<DeviceWeights> uploadWeights(const Model& model);

}  // namespace pagoda::cuda

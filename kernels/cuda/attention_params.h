// The arguments of the paged-attention kernels (launchers.h), in a header of its own with
// no CUDA include so the kernels' .cuh files can take it by value under the SIMT harness
// too, where <cuda_runtime.h> cannot be included.
#pragma once

#include <cstdint>

#include "kernels/common/dtype.h"

namespace pagoda::cuda {

struct PagedAttentionParams {
    int numSequences = 0;
    int numHeads = 0;
    int numKvHeads = 0;
    int headDim = 0;                   // 64, 128 (and 256) are compiled
    int blockSize = 16;
    float scale = 1.0f;
    const float* q = nullptr;          // [numTokens, numHeads, headDim], row stride qStride floats
    int qStride = 0;
    const void* kCache = nullptr;
    const void* vCache = nullptr;
    DType cacheType = DType::BF16;
    const int32_t* blockTables = nullptr;   // [numSequences, blockTableStride]
    int blockTableStride = 0;
    const int32_t* contextLens = nullptr;   // per sequence, after this step's tokens
    const int32_t* querySeqStart = nullptr; // numSequences + 1 (prefill; decode: i)
    int maxQueryLen = 1;
    int maxContextLen = 0;
    void* out = nullptr;               // [numTokens, numHeads, headDim] in outType
    DType outType = DType::F32;
};

}  // namespace pagoda::cuda

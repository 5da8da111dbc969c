// Embedding gather: the first step of every forward, table rows widened to the f32
// residual stream (HF `nn.Embedding` followed by the decoder's f32 hidden states).
#pragma once

#include <cstdint>
#include <string>

#include "kernels/cuda/device.cuh"
#include "kernels/cuda/elementwise_launch.cuh"

namespace pagoda::cuda {

inline constexpr int kEmbeddingThreads = 256;

// One block per token (grid-stride beyond the grid limit), threads striding the row.
inline LaunchShape embeddingShape(int numTokens, int hidden) {
    return rowLaunchShape(numTokens, hidden, kEmbeddingThreads);
}

inline std::string embeddingCheck(int numTokens, int hidden, DType tableType) {
    if (std::string e = elementTypeCheck("embedding", "tableType", tableType); !e.empty()) return e;
    if (numTokens < 0) return "embedding: numTokens " + std::to_string(numTokens) + " is negative";
    if (hidden <= 0) return "embedding: hidden " + std::to_string(hidden) + " must be positive";
    return {};
}

// Token ids are trusted: the tokenizer and the sampler only produce ids below the vocab
// size, and the launcher is not told the vocab size (as vLLM's VocabParallelEmbedding on
// one GPU, which indexes without a check).
template <typename TableT>
PAGODA_GLOBAL void embeddingKernel(const int32_t* tokenIds, int numTokens, const TableT* table, int hidden, float* out) {
    for (int t = blockIdx.x; t < numTokens; t += gridDim.x) {
        const TableT* row = table + size_t(tokenIds[t]) * hidden;
        float* o = out + size_t(t) * hidden;
        for (int i = threadIdx.x; i < hidden; i += blockDim.x) o[i] = toFloat(row[i]);
    }
}

}  // namespace pagoda::cuda

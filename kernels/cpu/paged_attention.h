// Causal attention over a paged KV cache. Each layer's cache is
// [numBlocks, blockSize, numKvHeads, headDim]; token j of a sequence lives in slot
// blockTable[j / blockSize] * blockSize + j % blockSize. Only this kernel and the cache
// write know about blocks and slots.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/cpu/thread_pool.h"

namespace pagoda::cpu {

struct KvLayout {
    int blockSize = 16;
    int numKvHeads = 0;
    int headDim = 0;
};

// Stores each token's k and v ([numTokens, numKvHeads, headDim]) at slotMapping[t];
// a negative slot means "do not store" (padding).
void writeKv(const KvLayout& layout, const float* k, const float* v, const int64_t* slotMapping,
             size_t numTokens, float* kCache, float* vCache);

struct PagedAttentionArgs {
    KvLayout layout;
    int numHeads = 0;                       // query heads; numHeads / numKvHeads share a kv head
    float scale = 1.0f;                     // softmax scale, head_dim^-0.5
    size_t numTokens = 0;
    const float* q = nullptr;               // [numTokens, numHeads, headDim]
    const int32_t* positions = nullptr;     // per token; it attends to keys 0..position
    const int32_t* tokenSequence = nullptr; // per token: which block table row
    const int32_t* blockTables = nullptr;   // [numSequences, blockTableStride]
    size_t blockTableStride = 0;
    const float* kCache = nullptr;
    const float* vCache = nullptr;
    float* out = nullptr;                   // [numTokens, numHeads, headDim]
};

void pagedAttention(ThreadPool& pool, const PagedAttentionArgs& args);

}  // namespace pagoda::cpu

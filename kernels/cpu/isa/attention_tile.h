// One work item of paged attention (kernels/cpu/paged_attention.cpp) for the per-ISA tile
// kernel (KernelTable::attendTile): a run of consecutive query tokens of one sequence times
// the query heads that share one KV head, flash-attention style (scores of a tile of keys
// at a time, online softmax), so each K/V row is read once per tile rather than once per
// (token, head).
#pragma once

#include <cstddef>
#include <cstdint>

namespace pagoda::cpu {

// Keys the tile kernel scores at once: 32 keys fill two AVX-512 vectors.
constexpr size_t kAttentionKeyTile = 32;

struct AttentionTile {
    // Row (token i, group head g) of the tile reads q + i * qTokenStride + g * headDim and
    // writes out + i * outTokenStride + g * headDim; token i sits at firstPosition + i and
    // attends to keys 0 .. firstPosition + i.
    const float* q = nullptr;
    size_t qTokenStride = 0;
    float* out = nullptr;
    size_t outTokenStride = 0;
    int numTokens = 0;
    int groupSize = 0;
    int headDim = 0;
    int32_t firstPosition = 0;
    float scale = 1.0f;
    // Key j of the sequence is at (blockTable[j / blockSize] * blockSize + j % blockSize) *
    // slotStride floats into kCache / vCache, which already point at this KV head.
    const int32_t* blockTable = nullptr;
    int blockSize = 0;
    size_t slotStride = 0;
    const float* kCache = nullptr;
    const float* vCache = nullptr;
    // At least attentionScratchFloats(numTokens * groupSize, headDim) floats of the caller's.
    float* scratch = nullptr;
};

// The scratch a tile of `rows` rows needs: the transposed queries, the scores and the
// softmax state (maximum, sum, correction) of rows padded to whole score blocks, the
// accumulators, and the values of one key tile where they must be padded. Head dimensions
// are padded to 16 floats and rows to 32 (the widest vector, twice) so every ISA fits.
constexpr size_t attentionScratchFloats(size_t rows, size_t headDim) {
    const size_t padded = (headDim + 15) / 16 * 16, paddedRows = (rows + 31) / 32 * 32;
    return paddedRows * (padded + kAttentionKeyTile + 3) + rows * padded + (kAttentionKeyTile + 1) * padded;
}

}  // namespace pagoda::cpu

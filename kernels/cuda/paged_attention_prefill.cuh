// Prefill (and chunked prefill) attention over the paged KV cache: variable-length,
// causal, prefix-cached context included. A plain flash-attention tiling: a block takes a
// tile of one sequence's queries for one head and walks the keys it may see in tiles
// staged in shared memory, keeping each query's running max, denominator and output
// (online softmax) so the cache is read once per query tile, never per query.
#pragma once

#include <string>

#include "kernels/cuda/attention_common.cuh"

namespace pagoda::cuda {

inline constexpr int kPrefillThreads = 128;
inline constexpr int kPrefillWarps = kPrefillThreads / 32;

// Tiles sized so q, k and v tiles stay under 48 KiB in f32 for every compiled head size.
// Keys per tile never exceed a warp: lane j scores key j, so a score needs no shuffle.
PAGODA_HD constexpr int prefillQueryTile(int headDim) { return headDim <= 128 ? 16 : 8; }
PAGODA_HD constexpr int prefillKeyTile(int headDim) { return headDim <= 128 ? 32 : 16; }
// Key rows are padded by one float so lanes reading different keys' element d hit
// different shared-memory banks.
PAGODA_HD constexpr int prefillKeyStride(int headDim) { return headDim + 1; }

// Shared memory: q tile, k tile (padded), v tile, and the weights of the current key tile.
inline size_t prefillSharedBytes(int headDim) {
    const size_t q = prefillQueryTile(headDim), k = prefillKeyTile(headDim);
    return sizeof(float) * (q * headDim + k * prefillKeyStride(headDim) + k * headDim + q * k);
}

inline int prefillQueryTiles(const PagedAttentionParams& p) {
    return (p.maxQueryLen + prefillQueryTile(p.headDim) - 1) / prefillQueryTile(p.headDim);
}

inline LaunchShape prefillLaunch(const PagedAttentionParams& p) {
    return {p.numHeads, p.numSequences, prefillQueryTiles(p), kPrefillThreads, prefillSharedBytes(p.headDim)};
}

inline std::string prefillCheck(const PagedAttentionParams& p) {
    if (std::string error = attentionCommonCheck("pagedAttentionPrefill", p); !error.empty()) return error;
    if (p.maxQueryLen <= 0) return "pagedAttentionPrefill: maxQueryLen " + std::to_string(p.maxQueryLen) + " must be positive";
    if (p.maxQueryLen > p.maxContextLen)
        return "pagedAttentionPrefill: maxQueryLen " + std::to_string(p.maxQueryLen) + " exceeds maxContextLen " +
               std::to_string(p.maxContextLen);
    if (p.numSequences > 0 && !p.querySeqStart) return "pagedAttentionPrefill: querySeqStart must be set";
    if (prefillQueryTiles(p) > kAttentionMaxGridYZ)
        return "pagedAttentionPrefill: maxQueryLen " + std::to_string(p.maxQueryLen) + " needs more query tiles than the grid allows";
    if (prefillSharedBytes(p.headDim) > kAttentionMaxSharedBytes)
        return "pagedAttentionPrefill: shared memory " + std::to_string(prefillSharedBytes(p.headDim)) +
               " bytes exceeds 48 KiB";
    return {};
}

// Block (head, sequence, query tile). Warp w owns queries w * QPW .. w * QPW + QPW - 1 of
// the tile; lane l owns output dims l + 32 r. Query i of a sequence with qLen queries and
// contextLen tokens sits at position contextLen - qLen + i and sees keys 0..position.
// Loops and barriers are block-uniform; rows past qLen compute masked scores and are not
// written.
template <typename CacheT, int HEAD_DIM>
PAGODA_GLOBAL void pagedAttentionPrefillKernel(PagedAttentionParams p) {
    constexpr int kQueries = prefillQueryTile(HEAD_DIM), kKeys = prefillKeyTile(HEAD_DIM);
    constexpr int kKeyStride = prefillKeyStride(HEAD_DIM);
    constexpr int kQueriesPerWarp = kQueries / kPrefillWarps, kDimsPerLane = HEAD_DIM / 32;
    static_assert(kQueries % kPrefillWarps == 0 && HEAD_DIM % 32 == 0 && kKeys <= 32, "tile shape");
    PAGODA_DYNAMIC_SHARED(float, shared);
    float* qTile = shared;
    float* kTile = qTile + kQueries * HEAD_DIM;
    float* vTile = kTile + kKeys * kKeyStride;
    float* weights = vTile + kKeys * HEAD_DIM;

    const int head = blockIdx.x, seq = blockIdx.y;
    const int firstToken = p.querySeqStart[seq];
    const int qLen = p.querySeqStart[seq + 1] - firstToken;
    const int firstQuery = blockIdx.z * kQueries;
    if (firstQuery >= qLen) return;  // this sequence has fewer query tiles than the longest
    const int tileQueries = qLen - firstQuery < kQueries ? qLen - firstQuery : kQueries;
    const int firstPosition = p.contextLens[seq] - qLen + firstQuery;
    const int numKeys = firstPosition + tileQueries;  // the tile's last query sees this many

    const int kvHead = head / (p.numHeads / p.numKvHeads);
    const size_t slotWidth = size_t(p.numKvHeads) * HEAD_DIM;
    const int32_t* blockTable = p.blockTables + size_t(seq) * p.blockTableStride;
    const CacheT* kCache = static_cast<const CacheT*>(p.kCache) + size_t(kvHead) * HEAD_DIM;
    const CacheT* vCache = static_cast<const CacheT*>(p.vCache) + size_t(kvHead) * HEAD_DIM;
    for (int idx = threadIdx.x; idx < kQueries * HEAD_DIM; idx += blockDim.x) {
        const int qi = idx / HEAD_DIM, d = idx % HEAD_DIM;
        const size_t token = size_t(firstToken) + firstQuery + qi;
        qTile[idx] = qi < tileQueries ? p.q[token * p.qStride + size_t(head) * HEAD_DIM + d] : 0.0f;
    }

    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    float runningMax[kQueriesPerWarp], denominator[kQueriesPerWarp], acc[kQueriesPerWarp][kDimsPerLane];
    for (int qq = 0; qq < kQueriesPerWarp; ++qq) {
        runningMax[qq] = kMaskedLogit;
        denominator[qq] = 0.0f;
        for (int r = 0; r < kDimsPerLane; ++r) acc[qq][r] = 0.0f;
    }

    for (int keyBase = 0; keyBase < numKeys; keyBase += kKeys) {
        __syncthreads();  // the q tile is loaded / the previous k, v tiles are consumed
        for (int idx = threadIdx.x; idx < kKeys * HEAD_DIM; idx += blockDim.x) {
            const int j = idx / HEAD_DIM, d = idx % HEAD_DIM;
            float k = 0.0f, v = 0.0f;
            if (keyBase + j < numKeys) {
                const size_t offset = attentionSlotOffset(blockTable, keyBase + j, p.blockSize, slotWidth) + d;
                k = toFloat(kCache[offset]);
                v = toFloat(vCache[offset]);
            }
            kTile[j * kKeyStride + d] = k;
            vTile[j * HEAD_DIM + d] = v;
        }
        __syncthreads();

        for (int qq = 0; qq < kQueriesPerWarp; ++qq) {
            const int qi = warp * kQueriesPerWarp + qq;
            const int key = keyBase + lane;
            float score = kMaskedLogit;
            if (lane < kKeys && qi < tileQueries && key <= firstPosition + qi) {
                float dot = 0.0f;
                for (int d = 0; d < HEAD_DIM; ++d) dot += qTile[qi * HEAD_DIM + d] * kTile[lane * kKeyStride + d];
                score = dot * p.scale;
            }
            const float newMax = fmaxf(runningMax[qq], warpMax(score));
            const float weight = softmaxWeight(score, newMax);
            const float rescale = softmaxRescale(runningMax[qq], newMax);
            denominator[qq] = denominator[qq] * rescale + warpSum(weight);
            runningMax[qq] = newMax;
            for (int r = 0; r < kDimsPerLane; ++r) acc[qq][r] *= rescale;
            if (lane < kKeys) weights[qi * kKeys + lane] = weight;
        }
        __syncthreads();  // a warp's weights visible to all its lanes (no __syncwarp needed)

        for (int qq = 0; qq < kQueriesPerWarp; ++qq) {
            const int qi = warp * kQueriesPerWarp + qq;
            for (int j = 0; j < kKeys; ++j) {
                const float w = weights[qi * kKeys + j];
                for (int r = 0; r < kDimsPerLane; ++r) acc[qq][r] += w * vTile[j * HEAD_DIM + lane + 32 * r];
            }
        }
    }

    for (int qq = 0; qq < kQueriesPerWarp; ++qq) {
        const int qi = warp * kQueriesPerWarp + qq;
        if (qi >= tileQueries) continue;
        const size_t row = (size_t(firstToken) + firstQuery + qi) * p.numHeads + head;
        for (int r = 0; r < kDimsPerLane; ++r)
            attentionStore(p.out, p.outType, row * HEAD_DIM + lane + 32 * r,
                           softmaxNormalize(acc[qq][r], denominator[qq]));
    }
}

}  // namespace pagoda::cuda

// Decode attention over the paged KV cache, flash-decoding style (vLLM's
// paged_attention_v2): each sequence's context is cut into partitions of
// kDecodePartitionSize tokens that run as separate blocks, each leaving its max logit,
// exp-sum and unnormalized output in a workspace; a second kernel merges them with the
// online-softmax rescale. One partition (the common short-context case) writes the output
// directly, as vLLM's v1 kernel does.
#pragma once

#include <string>

#include "kernels/cuda/attention_common.cuh"

namespace pagoda::cuda {

inline constexpr int kDecodeThreads = 128;
inline constexpr int kDecodeWarps = kDecodeThreads / 32;
// vLLM's PARTITION_SIZE: long enough that the merge is cheap, short enough that a 4k
// context already gives several blocks per head when the batch is small.
inline constexpr int kDecodePartitionSize = 512;
// Lanes sharing one key's q.k (vLLM's THREAD_GROUP): 32 keys per block pass and two
// shuffles per key instead of five.
inline constexpr int kDecodeKeyLanes = 4;
inline constexpr int kDecodeKeysPerPass = kDecodeThreads / kDecodeKeyLanes;

PAGODA_HD int decodeNumPartitions(int maxContextLen) {
    const int n = (maxContextLen + kDecodePartitionSize - 1) / kDecodePartitionSize;
    return n > 1 ? n : 1;
}

// Shared memory: q, the partition's logits, one output row per warp, the 32 floats
// blockMax/blockSum exchange through.
inline size_t decodeSharedBytes(int headDim) {
    return sizeof(float) * (size_t(headDim) + kDecodePartitionSize + size_t(kDecodeWarps) * headDim + kWarpSize);
}

inline LaunchShape decodeLaunch(const PagedAttentionParams& p) {
    return {p.numHeads, p.numSequences, decodeNumPartitions(p.maxContextLen), kDecodeThreads,
            decodeSharedBytes(p.headDim)};
}

// The merge runs only with more than one partition: one block per (head, sequence).
inline LaunchShape decodeReduceLaunch(const PagedAttentionParams& p) {
    return {p.numHeads, p.numSequences, 1, kDecodeThreads, 0};
}

// Workspace layout, all f32: maxLogits and expSums [numSequences, numHeads, numPartitions],
// then partial outputs [numSequences, numHeads, numPartitions, headDim].
struct DecodeWorkspace {
    float* maxLogits = nullptr;
    float* expSums = nullptr;
    float* partialOut = nullptr;
};

inline size_t decodeWorkspaceBytes(const PagedAttentionParams& p) {
    const int partitions = decodeNumPartitions(p.maxContextLen);
    if (partitions == 1) return 0;
    return sizeof(float) * size_t(p.numSequences) * p.numHeads * partitions * (2 + size_t(p.headDim));
}

inline DecodeWorkspace decodeWorkspace(const PagedAttentionParams& p, void* workspace) {
    const size_t rows = size_t(p.numSequences) * p.numHeads * decodeNumPartitions(p.maxContextLen);
    float* base = static_cast<float*>(workspace);
    return {base, base + rows, base + 2 * rows};
}

inline std::string decodeCheck(const PagedAttentionParams& p, const void* workspace) {
    if (std::string error = attentionCommonCheck("pagedAttentionDecode", p); !error.empty()) return error;
    if (decodeNumPartitions(p.maxContextLen) > kAttentionMaxGridYZ)
        return "pagedAttentionDecode: maxContextLen " + std::to_string(p.maxContextLen) +
               " needs more partitions than the grid allows";
    if (decodeSharedBytes(p.headDim) > kAttentionMaxSharedBytes)
        return "pagedAttentionDecode: shared memory " + std::to_string(decodeSharedBytes(p.headDim)) +
               " bytes exceeds 48 KiB";
    if (decodeWorkspaceBytes(p) > 0 && p.numSequences > 0 && !workspace)
        return "pagedAttentionDecode: maxContextLen " + std::to_string(p.maxContextLen) +
               " needs a workspace of " + std::to_string(decodeWorkspaceBytes(p)) + " bytes";
    return {};
}

// Block (head, sequence, partition). The query of sequence s is token row s. Block-uniform
// control flow throughout: every thread reaches every barrier and shuffle.
template <typename CacheT, int HEAD_DIM>
PAGODA_GLOBAL void pagedAttentionDecodeKernel(PagedAttentionParams p, DecodeWorkspace ws) {
    static_assert(HEAD_DIM % 32 == 0 && HEAD_DIM % kDecodeKeyLanes == 0, "head size");
    PAGODA_DYNAMIC_SHARED(float, shared);
    float* qShared = shared;
    float* logits = qShared + HEAD_DIM;
    float* warpOut = logits + kDecodePartitionSize;
    float* shared32 = warpOut + kDecodeWarps * HEAD_DIM;

    const int head = blockIdx.x, seq = blockIdx.y, partition = blockIdx.z;
    const int numPartitions = gridDim.z;
    const int contextLen = p.contextLens[seq];
    const int begin = partition * kDecodePartitionSize;
    // Partitions past this sequence's context do nothing; the merge never reads them.
    // Partition 0 always runs so an empty context still writes zeros.
    if (partition > 0 && begin >= contextLen) return;
    const int end = contextLen < begin + kDecodePartitionSize ? contextLen : begin + kDecodePartitionSize;
    const int numKeys = end > begin ? end - begin : 0;

    const int kvHead = head / (p.numHeads / p.numKvHeads);
    const size_t slotWidth = size_t(p.numKvHeads) * HEAD_DIM;
    const int32_t* blockTable = p.blockTables + size_t(seq) * p.blockTableStride;
    const CacheT* kCache = static_cast<const CacheT*>(p.kCache) + size_t(kvHead) * HEAD_DIM;
    const CacheT* vCache = static_cast<const CacheT*>(p.vCache) + size_t(kvHead) * HEAD_DIM;
    const float* q = p.q + size_t(seq) * p.qStride + size_t(head) * HEAD_DIM;
    for (int d = threadIdx.x; d < HEAD_DIM; d += blockDim.x) qShared[d] = q[d];
    __syncthreads();

    // Logits: a group of kDecodeKeyLanes lanes per key, each summing a strided share of
    // the head, joined by xor shuffles that stay inside the aligned group.
    const int group = threadIdx.x / kDecodeKeyLanes, member = threadIdx.x % kDecodeKeyLanes;
    for (int base = 0; base < numKeys; base += kDecodeKeysPerPass) {
        const int i = base + group;
        float partial = 0.0f;
        if (i < numKeys) {
            const CacheT* k = kCache + attentionSlotOffset(blockTable, begin + i, p.blockSize, slotWidth);
            for (int d = member; d < HEAD_DIM; d += kDecodeKeyLanes) partial += qShared[d] * toFloat(k[d]);
        }
        for (int offset = 1; offset < kDecodeKeyLanes; offset *= 2)
            partial += __shfl_xor_sync(0xffffffffu, partial, offset);
        if (i < numKeys && member == 0) logits[i] = partial * p.scale;
    }
    __syncthreads();

    float localMax = kMaskedLogit;
    for (int i = threadIdx.x; i < numKeys; i += blockDim.x) localMax = fmaxf(localMax, logits[i]);
    const float maxLogit = blockMax(localMax, shared32);
    float localSum = 0.0f;
    for (int i = threadIdx.x; i < numKeys; i += blockDim.x) {
        const float w = softmaxWeight(logits[i], maxLogit);
        logits[i] = w;
        localSum += w;
    }
    const float expSum = blockSum(localSum, shared32);
    __syncthreads();  // every weight written before any warp reads them

    // Weighted sum of values: warp w takes keys w, w + warps, ...; each lane owns the dims
    // lane + 32 r, so a warp reads one value row contiguously.
    constexpr int kDimsPerLane = HEAD_DIM / 32;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    float acc[kDimsPerLane];
    for (int r = 0; r < kDimsPerLane; ++r) acc[r] = 0.0f;
    for (int i = warp; i < numKeys; i += kDecodeWarps) {
        const float w = logits[i];
        const CacheT* v = vCache + attentionSlotOffset(blockTable, begin + i, p.blockSize, slotWidth);
        for (int r = 0; r < kDimsPerLane; ++r) acc[r] += w * toFloat(v[lane + 32 * r]);
    }
    for (int r = 0; r < kDimsPerLane; ++r) warpOut[warp * HEAD_DIM + lane + 32 * r] = acc[r];
    __syncthreads();

    const size_t row = size_t(seq) * p.numHeads + head;
    for (int d = threadIdx.x; d < HEAD_DIM; d += blockDim.x) {
        float o = 0.0f;
        for (int w = 0; w < kDecodeWarps; ++w) o += warpOut[w * HEAD_DIM + d];
        if (numPartitions == 1)
            attentionStore(p.out, p.outType, row * HEAD_DIM + d, softmaxNormalize(o, expSum));
        else
            ws.partialOut[(row * numPartitions + partition) * HEAD_DIM + d] = o;
    }
    if (numPartitions > 1 && threadIdx.x == 0) {
        ws.maxLogits[row * numPartitions + partition] = maxLogit;
        ws.expSums[row * numPartitions + partition] = expSum;
    }
}

// Block (head, sequence): merges the partitions that ran (vLLM's
// paged_attention_v2_reduce_kernel). Each thread recomputes the global max and denominator
// from the few per-partition scalars rather than paying a barrier to share them.
PAGODA_GLOBAL void pagedAttentionDecodeReduceKernel(PagedAttentionParams p, int numPartitions, DecodeWorkspace ws) {
    const int head = blockIdx.x, seq = blockIdx.y;
    const int used = decodeNumPartitions(p.contextLens[seq]);
    const size_t row = size_t(seq) * p.numHeads + head;
    const float* maxLogits = ws.maxLogits + row * numPartitions;
    const float* expSums = ws.expSums + row * numPartitions;
    const float globalMax = mergedMax(maxLogits, used);
    const float denominator = mergedDenominator(maxLogits, expSums, used, globalMax);
    for (int d = threadIdx.x; d < p.headDim; d += blockDim.x) {
        float o = 0.0f;
        for (int part = 0; part < used; ++part)
            o += ws.partialOut[(row * numPartitions + part) * p.headDim + d] * softmaxRescale(maxLogits[part], globalMax);
        attentionStore(p.out, p.outType, row * p.headDim + d, softmaxNormalize(o, denominator));
    }
}

}  // namespace pagoda::cuda

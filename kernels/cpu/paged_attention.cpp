#include "kernels/cpu/paged_attention.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/cpu/isa/kernel_table.h"

namespace pagoda::cpu {

void writeKv(const KvLayout& layout, const float* k, const float* v, const int64_t* slotMapping,
             size_t numTokens, float* kCache, float* vCache) {
    const size_t width = size_t(layout.numKvHeads) * layout.headDim;
    for (size_t t = 0; t < numTokens; ++t) {
        const int64_t slot = slotMapping[t];
        if (slot < 0) continue;
        memcpy(kCache + size_t(slot) * width, k + t * width, width * sizeof(float));
        memcpy(vCache + size_t(slot) * width, v + t * width, width * sizeof(float));
    }
}

void pagedAttention(ThreadPool& pool, const PagedAttentionArgs& a) {
    const int headDim = a.layout.headDim;
    const int blockSize = a.layout.blockSize;
    const int groupSize = a.numHeads / a.layout.numKvHeads;
    const size_t slotWidth = size_t(a.layout.numKvHeads) * headDim;
    const KernelTable& k = kernels();

    // One work item per (token, query head); online softmax over that token's keys in
    // one pass, so no score buffer grows with the context.
    pool.parallelFor(a.numTokens * a.numHeads, [&](size_t begin, size_t end) {
        thread_local std::vector<float> acc;
        acc.resize(headDim);
        for (size_t item = begin; item < end; ++item) {
            const size_t t = item / a.numHeads;
            const int head = int(item % a.numHeads);
            const int kvHead = head / groupSize;
            const float* q = a.q + (t * a.numHeads + head) * headDim;
            const int32_t* blockTable = a.blockTables + size_t(a.tokenSequence[t]) * a.blockTableStride;
            const int numKeys = a.positions[t] + 1;

            float runningMax = -std::numeric_limits<float>::infinity();
            float denominator = 0.0f;
            std::fill(acc.begin(), acc.end(), 0.0f);
            for (int j = 0; j < numKeys; ++j) {
                const size_t slot = size_t(blockTable[j / blockSize]) * blockSize + j % blockSize;
                const size_t offset = slot * slotWidth + size_t(kvHead) * headDim;
                const float score = k.dot(q, a.kCache + offset, size_t(headDim)) * a.scale;
                if (score > runningMax) {
                    const float correction = std::exp(runningMax - score);
                    denominator *= correction;
                    k.scale(correction, acc.data(), size_t(headDim));
                    runningMax = score;
                }
                const float weight = std::exp(score - runningMax);
                denominator += weight;
                k.axpy(weight, a.vCache + offset, acc.data(), size_t(headDim));
            }
            float* out = a.out + (t * a.numHeads + head) * headDim;
            for (int d = 0; d < headDim; ++d) out[d] = acc[d] / denominator;
        }
    });
}

}  // namespace pagoda::cpu

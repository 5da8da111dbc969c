// A randomized paged-attention problem for the SIMT attention tests: a KV cache whose
// blocks are handed out in shuffled order, queries, and the CPU reference output
// (kernels/cpu/paged_attention.h) computed from the same values the kernel reads.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "kernels/common/dtype.h"
#include "kernels/cpu/paged_attention.h"
#include "kernels/cuda/attention_params.h"

namespace pagoda::simt_test {

struct AttentionCase {
    int numHeads = 2;
    int numKvHeads = 1;
    int headDim = 64;
    int blockSize = 16;
    std::vector<int> contextLens;  // per sequence
    std::vector<int> queryLens;    // per sequence; decode: all 1
    DType cacheType = DType::F32;
    DType outType = DType::F32;
    uint32_t seed = 1;
};

// Owns every buffer a launch points into; params() wires them up.
struct AttentionProblem {
    AttentionCase c;
    int numTokens = 0, blockTableStride = 0, qStride = 0;
    std::vector<float> q;                                // [numTokens, qStride]
    std::vector<float> kRef, vRef;                       // caches as f32 (the reference's view)
    std::vector<uint16_t> kHalf, vHalf;                  // the same values as bf16/f16 bits
    std::vector<int32_t> blockTables, contextLens, querySeqStart;
    std::vector<unsigned char> out;                      // [numTokens, numHeads, headDim] in outType
    std::vector<float> reference;                        // f32

    explicit AttentionProblem(const AttentionCase& spec) : c(spec) {
        std::mt19937 rng(c.seed);
        std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
        const int numSeqs = int(c.contextLens.size());
        int maxBlocks = 1, totalBlocks = 0;
        for (int len : c.contextLens) {
            const int blocks = (len + c.blockSize - 1) / c.blockSize;
            maxBlocks = std::max(maxBlocks, blocks);
            totalBlocks += blocks;
        }
        // Spare blocks so used ones are scattered through the pool, and one spare table
        // entry per row holding a block that is never meant to be read.
        const int numBlocks = totalBlocks + 3;
        blockTableStride = maxBlocks + 1;
        std::vector<int32_t> pool(numBlocks);
        std::iota(pool.begin(), pool.end(), 0);
        std::shuffle(pool.begin(), pool.end(), rng);
        blockTables.assign(size_t(numSeqs) * blockTableStride, pool.back());
        size_t next = 0;
        for (int s = 0; s < numSeqs; ++s)
            for (int b = 0; b < (c.contextLens[s] + c.blockSize - 1) / c.blockSize; ++b)
                blockTables[size_t(s) * blockTableStride + b] = pool[next++];

        const size_t cacheElems = size_t(numBlocks) * c.blockSize * c.numKvHeads * c.headDim;
        kRef.resize(cacheElems);
        vRef.resize(cacheElems);
        kHalf.resize(cacheElems);
        vHalf.resize(cacheElems);
        for (size_t i = 0; i < cacheElems; ++i) {
            kRef[i] = round(uniform(rng), kHalf[i]);
            vRef[i] = round(uniform(rng), vHalf[i]);
        }

        contextLens.assign(c.contextLens.begin(), c.contextLens.end());
        querySeqStart.assign(1, 0);
        for (int len : c.queryLens) querySeqStart.push_back(querySeqStart.back() + len);
        numTokens = querySeqStart.back();
        qStride = c.numHeads * c.headDim + 8;  // a fused-qkv row is wider than q
        q.resize(size_t(numTokens) * qStride);
        for (float& x : q) x = uniform(rng);
        out.assign(size_t(numTokens) * c.numHeads * c.headDim * dtypeSize(c.outType), 0xcd);
        computeReference();
    }

    int maxQueryLen() const { return *std::max_element(c.queryLens.begin(), c.queryLens.end()); }
    int maxContextLen() const { return *std::max_element(c.contextLens.begin(), c.contextLens.end()); }

    cuda::PagedAttentionParams params() {
        cuda::PagedAttentionParams p;
        p.numSequences = int(c.contextLens.size());
        p.numHeads = c.numHeads;
        p.numKvHeads = c.numKvHeads;
        p.headDim = c.headDim;
        p.blockSize = c.blockSize;
        p.scale = 1.0f / std::sqrt(float(c.headDim));
        p.q = q.data();
        p.qStride = qStride;
        p.kCache = c.cacheType == DType::F32 ? static_cast<const void*>(kRef.data()) : kHalf.data();
        p.vCache = c.cacheType == DType::F32 ? static_cast<const void*>(vRef.data()) : vHalf.data();
        p.cacheType = c.cacheType;
        p.blockTables = blockTables.data();
        p.blockTableStride = blockTableStride;
        p.contextLens = contextLens.data();
        p.querySeqStart = querySeqStart.data();
        p.maxQueryLen = maxQueryLen();
        p.maxContextLen = maxContextLen();
        p.out = out.data();
        p.outType = c.outType;
        return p;
    }

    float output(size_t i) const { return loadAsFloat(out.data(), c.outType, i); }

private:
    // The value the kernel will read, rounded to the cache type, with its 16-bit bits.
    float round(float x, uint16_t& bits) const {
        if (c.cacheType == DType::BF16) {
            bits = floatToBf16(x);
            return bf16ToFloat(bits);
        }
        if (c.cacheType == DType::F16) {
            bits = f16Bits(x);
            return f16ToFloat(bits);
        }
        return x;
    }

    // Values in [-1, 1] are normal or zero in f16: round the 13 dropped mantissa bits to
    // nearest even. Subnormal inputs (|x| < 2^-14) are flushed to zero, which is still a
    // value the reference and the kernel share.
    static uint16_t f16Bits(float x) {
        const uint32_t bits = floatToBits(x);
        const uint16_t sign = uint16_t((bits >> 16) & 0x8000u);
        if ((bits & 0x7fffffffu) < 0x38800000u) return sign;
        uint32_t rounded = (bits & 0x7fffffffu) + 0xfffu + ((bits >> 13) & 1u);
        return uint16_t(sign | (((rounded >> 23) - 112) << 10) | ((rounded >> 13) & 0x3ffu));
    }

    void computeReference() {
        std::vector<float> qDense(size_t(numTokens) * c.numHeads * c.headDim);
        std::vector<int32_t> positions(numTokens), tokenSequence(numTokens);
        for (int t = 0; t < numTokens; ++t)
            std::copy_n(q.begin() + size_t(t) * qStride, c.numHeads * c.headDim,
                        qDense.begin() + size_t(t) * c.numHeads * c.headDim);
        for (size_t s = 0; s < c.contextLens.size(); ++s)
            for (int i = 0; i < c.queryLens[s]; ++i) {
                const int t = querySeqStart[s] + i;
                positions[t] = c.contextLens[s] - c.queryLens[s] + i;
                tokenSequence[t] = int32_t(s);
            }
        reference.resize(qDense.size());
        cpu::PagedAttentionArgs a;
        a.layout = {c.blockSize, c.numKvHeads, c.headDim};
        a.numHeads = c.numHeads;
        a.scale = 1.0f / std::sqrt(float(c.headDim));
        a.numTokens = size_t(numTokens);
        a.q = qDense.data();
        a.positions = positions.data();
        a.tokenSequence = tokenSequence.data();
        a.blockTables = blockTables.data();
        a.blockTableStride = size_t(blockTableStride);
        a.kCache = kRef.data();
        a.vCache = vRef.data();
        a.out = reference.data();
        ThreadPool pool(2);
        cpu::pagedAttention(pool, a);
    }
};

}  // namespace pagoda::simt_test

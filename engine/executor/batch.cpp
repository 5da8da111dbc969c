#include "engine/executor/batch.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace pagoda {

void BatchBuilder::addSequence(std::span<const int32_t> tokens, int32_t startPosition,
                               std::span<const int32_t> blockTable, LogitsFor logits) {
    if (m_batch.querySeqStart.empty()) m_batch.querySeqStart.push_back(0);
    const size_t firstRow = m_batch.tokenIds.size();
    for (size_t i = 0; i < tokens.size(); ++i) {
        const int32_t position = startPosition + int32_t(i);
        m_batch.tokenIds.push_back(tokens[i]);
        m_batch.positions.push_back(position);
        const size_t blockIndex = size_t(position / m_blockSize);
        const int64_t block = blockIndex < blockTable.size() ? blockTable[blockIndex] : -1;
        m_batch.slotMapping.push_back(block < 0 ? -1 : block * m_blockSize + position % m_blockSize);
    }
    m_batch.querySeqStart.push_back(int32_t(m_batch.tokenIds.size()));
    m_batch.contextLens.push_back(startPosition + int32_t(tokens.size()));
    m_tables.emplace_back(blockTable.begin(), blockTable.end());
    if (logits == LogitsFor::All) {
        for (size_t r = firstRow; r < m_batch.tokenIds.size(); ++r) m_batch.logitsIndices.push_back(int32_t(r));
    } else if (logits == LogitsFor::Last && !tokens.empty()) {
        m_batch.logitsIndices.push_back(int32_t(m_batch.tokenIds.size() - 1));
    }
}

Batch BatchBuilder::build() {
    size_t stride = 0;
    for (const auto& t : m_tables) stride = std::max(stride, t.size());
    m_batch.blockTableStride = stride;
    m_batch.blockTables.assign(m_tables.size() * stride, -1);
    for (size_t s = 0; s < m_tables.size(); ++s)
        std::copy(m_tables[s].begin(), m_tables[s].end(), m_batch.blockTables.begin() + s * stride);
    m_tables.clear();
    return std::exchange(m_batch, Batch{});
}

Status validateBatch(const Batch& b, int vocabSize, int numKvBlocks, int blockSize) {
    const size_t n = b.numTokens();
    const size_t numSeqs = b.numSequences();
    if (b.positions.size() != n || b.slotMapping.size() != n)
        return makeError("batch: positions and slot mapping must have one entry per token");
    if (numSeqs == 0 || b.querySeqStart.front() != 0 || size_t(b.querySeqStart.back()) != n)
        return makeError("batch: querySeqStart must run from 0 to the number of tokens");
    if (b.contextLens.size() != numSeqs || b.blockTables.size() != numSeqs * b.blockTableStride)
        return makeError("batch: contextLens and blockTables must have one row per sequence");
    const int64_t numSlots = int64_t(numKvBlocks) * blockSize;
    for (size_t s = 0; s < numSeqs; ++s) {
        const int32_t begin = b.querySeqStart[s], end = b.querySeqStart[s + 1];
        if (end < begin) return makeError(fmt::format("batch: sequence {} has a negative token count", s));
        const int32_t contextLen = b.contextLens[s];
        if (contextLen < 0 || size_t((contextLen + blockSize - 1) / blockSize) > b.blockTableStride)
            return makeError(fmt::format("batch: sequence {} has {} tokens of context but its block table holds "
                                         "only {} blocks",
                                         s, contextLen, b.blockTableStride));
        for (int32_t blk = 0; blk < (contextLen + blockSize - 1) / blockSize; ++blk) {
            const int32_t block = b.blockTables[s * b.blockTableStride + size_t(blk)];
            if (block < 0 || block >= numKvBlocks)
                return makeError(fmt::format("batch: sequence {} uses KV block {}, outside 0..{}", s, block,
                                             numKvBlocks - 1));
        }
        for (int32_t t = begin; t < end; ++t) {
            if (b.tokenIds[size_t(t)] < 0 || b.tokenIds[size_t(t)] >= vocabSize)
                return makeError(fmt::format("token id {} is outside the vocabulary (0..{})", b.tokenIds[size_t(t)],
                                             vocabSize - 1));
            if (b.positions[size_t(t)] < 0 || b.positions[size_t(t)] >= contextLen)
                return makeError(fmt::format("batch: token {} has position {} outside its context of {}", t,
                                             b.positions[size_t(t)], contextLen));
            if (b.slotMapping[size_t(t)] >= numSlots)
                return makeError(fmt::format("batch: token {} maps to KV slot {}, outside the cache", t,
                                             b.slotMapping[size_t(t)]));
        }
    }
    for (int32_t row : b.logitsIndices)
        if (row < 0 || size_t(row) >= n)
            return makeError(fmt::format("batch: logits requested for row {} of {} tokens", row, n));
    return Ok{};
}

}  // namespace pagoda

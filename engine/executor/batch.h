// The flattened input of one engine step, identical for every executor (vLLM's
// attention metadata): tokens of several sequences back to back, where each one sits,
// where its K/V goes, and which rows need logits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/common/result.h"

namespace pagoda {

struct Batch {
    std::vector<int32_t> tokenIds;       // every scheduled token, sequence after sequence
    std::vector<int32_t> positions;      // each token's position in its sequence
    std::vector<int64_t> slotMapping;    // KV slot each token's k/v is written to; -1 skips
    std::vector<int32_t> querySeqStart;  // numSequences + 1 offsets into tokenIds (cu_seqlens_q)
    std::vector<int32_t> contextLens;    // per sequence: tokens in its cache once this step ran
    std::vector<int32_t> blockTables;    // [numSequences, blockTableStride], padded with -1
    size_t blockTableStride = 0;
    std::vector<int32_t> logitsIndices;  // token rows whose logits are returned, in this order

    size_t numTokens() const { return tokenIds.size(); }
    size_t numSequences() const { return querySeqStart.empty() ? 0 : querySeqStart.size() - 1; }
};

// Checks that a batch is self-consistent and addresses only blocks and tokens that exist,
// so an executor never reads or writes out of bounds on a bad batch.
Status validateBatch(const Batch& batch, int vocabSize, int numKvBlocks, int blockSize);

// Which rows of a sequence's tokens need logits.
enum class LogitsFor { None, Last, All };

// Builds a Batch sequence by sequence; the scheduler and the tests both use it.
class BatchBuilder {
public:
    explicit BatchBuilder(int blockSize) : m_blockSize(blockSize) {}

    // Adds `tokens` at positions startPosition.. of a sequence whose cache blocks are
    // `blockTable` (which must cover startPosition + tokens.size() tokens).
    void addSequence(std::span<const int32_t> tokens, int32_t startPosition, std::span<const int32_t> blockTable,
                     LogitsFor logits);

    Batch build();

private:
    int m_blockSize;
    Batch m_batch;
    std::vector<std::vector<int32_t>> m_tables;
};

}  // namespace pagoda

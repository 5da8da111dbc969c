// Owns the KV cache's blocks as bookkeeping (never tensors): fixed-size blocks with
// reference counts, a free list reused least-recently-freed first, and automatic prefix
// caching keyed by chained hashes of full blocks, verified token for token on a hit so a
// hash collision can never serve the wrong K/V (nano-vllm's check; vLLM's chained hash).
#pragma once

#include <cstdint>
#include <list>
#include <span>
#include <unordered_map>
#include <vector>

#include "engine/sequence.h"

namespace pagoda {

class BlockManager {
public:
    BlockManager(int numBlocks, int blockSize, bool enablePrefixCaching);

    int blockSize() const { return m_blockSize; }
    int numBlocks() const { return int(m_blocks.size()); }
    int numFreeBlocks() const { return int(m_freeList.size()); }
    bool prefixCachingEnabled() const { return m_prefixCaching; }

    // For a sequence with nothing computed yet: takes the longest run of its leading full
    // blocks found in the prefix cache (always leaving at least its last token to compute,
    // which must produce logits) and marks those tokens computed. Returns how many tokens.
    size_t acquireCachedPrefix(Sequence& seq);

    // Makes the sequence's block table cover numComputedTokens + numNewTokens tokens.
    // Returns false, changing nothing, when there are not enough free blocks.
    bool allocateSlots(Sequence& seq, size_t numNewTokens);

    // After a step: registers the sequence's newly completed full blocks in the prefix cache.
    void cacheComputedBlocks(Sequence& seq);

    // A sibling (n > 1) starts from the parent's computed full blocks, sharing them.
    void forkComputedPrefix(const Sequence& parent, Sequence& child);

    // Drops the sequence's references. Freed blocks keep their hashes (a later request, or
    // this one after preemption, may still hit them); tail blocks are evicted first.
    void release(Sequence& seq);

    struct Stats {
        uint64_t prefixQueries = 0;  // full blocks looked up
        uint64_t prefixHits = 0;     // of which found
    };
    const Stats& stats() const { return m_stats; }

    // For tests: every block's reference count equals the number of block-table entries
    // pointing at it, free blocks have none, and the hash index points at hashed blocks.
    bool consistentWith(std::span<const Sequence* const> liveSequences) const;

private:
    struct Block {
        int32_t refCount = 0;
        std::optional<uint64_t> hash;
        std::vector<int32_t> tokens;  // the block's tokens once hashed, to verify hits
        std::list<int32_t>::iterator freeListPosition;
    };

    uint64_t chainHash(uint64_t parent, std::span<const int32_t> tokens) const;
    int32_t popFreeBlock();
    void takeReference(int32_t block);

    int m_blockSize;
    bool m_prefixCaching;
    std::vector<Block> m_blocks;
    std::list<int32_t> m_freeList;  // front: next to reuse
    std::unordered_map<uint64_t, int32_t> m_cachedBlocks;  // hash → block
    Stats m_stats;
};

}  // namespace pagoda

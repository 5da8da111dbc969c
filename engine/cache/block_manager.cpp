#include "engine/cache/block_manager.h"

#include <cassert>

#include <xxhash.h>

namespace pagoda {

namespace {
constexpr uint64_t kRootHash = 0x9e3779b97f4a7c15ull;  // parent of a sequence's first block
}

BlockManager::BlockManager(int numBlocks, int blockSize, bool enablePrefixCaching)
    : m_blockSize(blockSize), m_prefixCaching(enablePrefixCaching), m_blocks(size_t(numBlocks)) {
    for (int32_t b = 0; b < numBlocks; ++b) m_blocks[size_t(b)].freeListPosition = m_freeList.insert(m_freeList.end(), b);
}

uint64_t BlockManager::chainHash(uint64_t parent, std::span<const int32_t> tokens) const {
    return XXH3_64bits_withSeed(tokens.data(), tokens.size_bytes(), parent);
}

int32_t BlockManager::popFreeBlock() {
    const int32_t b = m_freeList.front();
    m_freeList.pop_front();
    Block& block = m_blocks[size_t(b)];
    if (block.hash) {  // evict its cached content
        m_cachedBlocks.erase(*block.hash);
        block.hash.reset();
        block.tokens.clear();
    }
    block.refCount = 1;
    return b;
}

void BlockManager::takeReference(int32_t b) {
    Block& block = m_blocks[size_t(b)];
    if (block.refCount++ == 0) m_freeList.erase(block.freeListPosition);
}

size_t BlockManager::acquireCachedPrefix(Sequence& seq) {
    assert(seq.numComputedTokens == 0 && seq.blockTable.empty());
    if (!m_prefixCaching || seq.tokenIds.empty()) return 0;
    const size_t usable = seq.tokenIds.size() - 1;  // the last token must be computed for logits
    uint64_t parent = kRootHash;
    for (size_t start = 0; start + size_t(m_blockSize) <= usable; start += size_t(m_blockSize)) {
        const std::span<const int32_t> tokens(seq.tokenIds.data() + start, size_t(m_blockSize));
        const uint64_t hash = chainHash(parent, tokens);
        ++m_stats.prefixQueries;
        const auto it = m_cachedBlocks.find(hash);
        if (it == m_cachedBlocks.end()) break;
        const Block& block = m_blocks[size_t(it->second)];
        if (!std::equal(tokens.begin(), tokens.end(), block.tokens.begin(), block.tokens.end())) break;
        ++m_stats.prefixHits;
        takeReference(it->second);
        seq.blockTable.push_back(it->second);
        seq.blockHashes.push_back(hash);
        parent = hash;
    }
    seq.numComputedTokens = seq.blockTable.size() * size_t(m_blockSize);
    return seq.numComputedTokens;
}

bool BlockManager::allocateSlots(Sequence& seq, size_t numNewTokens) {
    const size_t total = seq.numComputedTokens + numNewTokens;
    const size_t needed = (total + size_t(m_blockSize) - 1) / size_t(m_blockSize);
    if (needed <= seq.blockTable.size()) return true;
    if (needed - seq.blockTable.size() > m_freeList.size()) return false;
    while (seq.blockTable.size() < needed) seq.blockTable.push_back(popFreeBlock());
    return true;
}

void BlockManager::cacheComputedBlocks(Sequence& seq) {
    if (!m_prefixCaching) return;
    const size_t fullBlocks = std::min(seq.numComputedTokens / size_t(m_blockSize), seq.blockTable.size());
    while (seq.blockHashes.size() < fullBlocks) {
        const size_t i = seq.blockHashes.size();
        const std::span<const int32_t> tokens(seq.tokenIds.data() + i * size_t(m_blockSize), size_t(m_blockSize));
        const uint64_t hash = chainHash(i == 0 ? kRootHash : seq.blockHashes[i - 1], tokens);
        seq.blockHashes.push_back(hash);
        Block& block = m_blocks[size_t(seq.blockTable[i])];
        // Identical content computed twice (two requests in one step): keep the first copy indexed.
        if (!block.hash && !m_cachedBlocks.count(hash)) {
            block.hash = hash;
            block.tokens.assign(tokens.begin(), tokens.end());
            m_cachedBlocks.emplace(hash, seq.blockTable[i]);
        }
    }
}

void BlockManager::forkComputedPrefix(const Sequence& parent, Sequence& child) {
    assert(child.blockTable.empty() && child.numComputedTokens == 0);
    const size_t fullBlocks = std::min(parent.numComputedTokens, child.tokenIds.size() - 1) / size_t(m_blockSize);
    for (size_t i = 0; i < fullBlocks; ++i) {
        takeReference(parent.blockTable[i]);
        child.blockTable.push_back(parent.blockTable[i]);
        if (i < parent.blockHashes.size()) child.blockHashes.push_back(parent.blockHashes[i]);
    }
    child.numComputedTokens = fullBlocks * size_t(m_blockSize);
}

void BlockManager::release(Sequence& seq) {
    // Reverse order: the tail of a sequence is the least likely to be shared, so it is
    // placed to be evicted first (vLLM frees in reverse for the same reason).
    for (auto it = seq.blockTable.rbegin(); it != seq.blockTable.rend(); ++it) {
        Block& block = m_blocks[size_t(*it)];
        assert(block.refCount > 0);
        if (--block.refCount == 0) {
            // Hashed blocks go to the back (kept as long as possible); unhashed to the front.
            block.freeListPosition = block.hash ? m_freeList.insert(m_freeList.end(), *it)
                                                : m_freeList.insert(m_freeList.begin(), *it);
        }
    }
    seq.blockTable.clear();
    seq.blockHashes.clear();
    seq.numComputedTokens = 0;
}

bool BlockManager::consistentWith(std::span<const Sequence* const> liveSequences) const {
    std::vector<int32_t> references(m_blocks.size(), 0);
    for (const Sequence* seq : liveSequences)
        for (int32_t b : seq->blockTable) {
            if (b < 0 || size_t(b) >= m_blocks.size()) return false;
            ++references[size_t(b)];
        }
    size_t free = 0;
    for (size_t b = 0; b < m_blocks.size(); ++b) {
        if (m_blocks[b].refCount != references[b]) return false;
        free += m_blocks[b].refCount == 0;
    }
    if (free != m_freeList.size()) return false;
    for (const auto& [hash, b] : m_cachedBlocks)
        if (m_blocks[size_t(b)].hash != hash) return false;
    return true;
}

}  // namespace pagoda

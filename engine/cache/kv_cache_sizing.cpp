#include "engine/cache/kv_cache_sizing.h"

#include <algorithm>

#include <fmt/format.h>

namespace pagoda {

KvCacheSizing sizeKvCache(const ModelConfig& config, size_t budgetBytes, int blockSize, int requestedMaxModelLen,
                          size_t bytesPerElement) {
    KvCacheSizing sizing;
    // K and V, every layer, every token of the block.
    sizing.bytesPerBlock = 2 * size_t(config.numLayers) * size_t(blockSize) * size_t(config.numKvHeads) *
                           size_t(config.headDim) * bytesPerElement;
    sizing.numBlocks = int(std::max<size_t>(1, budgetBytes / sizing.bytesPerBlock));
    const int wanted = requestedMaxModelLen > 0 ? std::min(requestedMaxModelLen, config.maxPositionEmbeddings)
                                                : config.maxPositionEmbeddings;
    const int capacity = sizing.numBlocks * blockSize;
    sizing.maxModelLen = std::min(wanted, capacity);
    if (sizing.maxModelLen < wanted)
        sizing.note = fmt::format("max_model_len lowered from {} to {} tokens: the KV cache budget of {:.1f} MiB holds "
                                  "{} blocks of {} tokens ({:.2f} MiB each); raise the budget for longer contexts",
                                  wanted, sizing.maxModelLen, double(budgetBytes) / (1 << 20), sizing.numBlocks,
                                  blockSize, double(sizing.bytesPerBlock) / (1 << 20));
    return sizing;
}

}  // namespace pagoda

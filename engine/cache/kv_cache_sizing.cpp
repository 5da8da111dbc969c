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
    sizing.note = maxModelLenNote(requestedMaxModelLen, config.maxPositionEmbeddings, sizing.maxModelLen,
                                  fmt::format("the KV cache budget of {:.1f} MiB holds {} blocks of {} tokens ({:.2f} "
                                              "MiB each); raise the budget for longer contexts",
                                              double(budgetBytes) / (1 << 20), sizing.numBlocks, blockSize,
                                              double(sizing.bytesPerBlock) / (1 << 20)));
    return sizing;
}

std::string maxModelLenNote(int requested, int modelContext, int final, const std::string& capacityReason) {
    const int asked = requested > 0 ? requested : modelContext;
    if (final >= asked) return {};
    std::string why;
    if (asked > modelContext)
        why = fmt::format("the model's context (max_position_embeddings in its config) is {} tokens", modelContext);
    if (final < std::min(asked, modelContext)) why += (why.empty() ? "" : ", and ") + capacityReason;
    return fmt::format("max_model_len lowered from {} to {} tokens: {}", asked, final, why);
}

}  // namespace pagoda

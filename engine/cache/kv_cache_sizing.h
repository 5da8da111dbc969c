// How many KV blocks fit a memory budget, and the context length that follows from it.
// Never refuses to start: when one full-length sequence does not fit, max_model_len is
// lowered to what does and the note says so (vLLM's most common startup failure).
#pragma once

#include <cstddef>
#include <string>

#include "engine/model/model_config.h"

namespace pagoda {

struct KvCacheSizing {
    int numBlocks = 0;
    int maxModelLen = 0;
    size_t bytesPerBlock = 0;
    std::string note;  // set when max_model_len was lowered, with why (maxModelLenNote)
};

// "max_model_len lowered from R to F tokens: <why>", or "" when F is what was asked (R; 0
// means the model's context). The reasons: R above the model's context (its
// max_position_embeddings), and `capacityReason` when the KV cache holds fewer tokens than that.
std::string maxModelLenNote(int requested, int modelContext, int final, const std::string& capacityReason);

// bytesPerElement: 4 for the CPU cache (f32). requestedMaxModelLen 0 means the model's context.
KvCacheSizing sizeKvCache(const ModelConfig& config, size_t budgetBytes, int blockSize, int requestedMaxModelLen,
                          size_t bytesPerElement);

}  // namespace pagoda

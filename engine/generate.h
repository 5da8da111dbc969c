// Greedy generation for one sequence straight on an Executor: a prefill, then one-token
// decodes through a contiguous block table. It is what `pagoda generate` and the truth
// tests run until the scheduler (continuous batching) takes over request handling.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/common/result.h"
#include "engine/executor/executor.h"
#include "engine/model/model_config.h"

namespace pagoda {

struct GreedyOptions {
    int maxTokens = 32;
    bool ignoreEos = false;
};

struct GreedyResult {
    std::vector<int32_t> tokens;  // generated ids, including the eos id that ended it
    bool stoppedOnEos = false;
    double prefillSeconds = 0;
    double decodeSeconds = 0;  // all decode steps together
};

// Index of the largest value; the first one on ties, as torch.argmax.
int32_t argmax(std::span<const float> logits);

Result<GreedyResult> greedyGenerate(Executor& executor, const ModelConfig& config, std::span<const int32_t> prompt,
                                    const GreedyOptions& options);

}  // namespace pagoda

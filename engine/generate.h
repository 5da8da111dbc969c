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
#include "engine/structured/grammar_matcher.h"
#include "engine/tokenizer/tokenizer.h"

namespace pagoda {

struct GreedyOptions {
    int maxTokens = 32;
    bool ignoreEos = false;
    std::vector<int32_t> eosTokenIds;  // ends generation unless ignoreEos; see endOfGenerationIds
    // When set, each token is the most likely one the grammar allows, and generation ends when
    // the grammar does (`pagoda generate --json-schema`).
    structured::GrammarMatcher* grammar = nullptr;
};

struct GreedyResult {
    std::vector<int32_t> tokens;  // generated ids, including the eos id that ended it
    bool stoppedOnEos = false;
    bool grammarComplete = false;  // a grammar was given and nothing more may follow
    double prefillSeconds = 0;
    double decodeSeconds = 0;  // all decode steps together
};

// Every id that ends generation: the union of config.json's and generation_config.json's
// eos ids (already in ModelConfig) and the tokenizer's eos token, so neither Llama 3's
// <|eot_id|> nor GLM-4's <|user|> is missed (vLLM#4182).
std::vector<int32_t> endOfGenerationIds(const ModelConfig& config, const Tokenizer* tokenizer);

// Index of the largest value; the first one on ties, as torch.argmax.
int32_t argmax(std::span<const float> logits);

Result<GreedyResult> greedyGenerate(Executor& executor, const ModelConfig& config, std::span<const int32_t> prompt,
                                    const GreedyOptions& options);

}  // namespace pagoda

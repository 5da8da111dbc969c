#include "engine/generate.h"

#include <algorithm>
#include <chrono>
#include <numeric>

#include <fmt/format.h>

namespace pagoda {

std::vector<int32_t> endOfGenerationIds(const ModelConfig& config, const Tokenizer* tokenizer) {
    std::vector<int32_t> ids(config.eosTokenIds.begin(), config.eosTokenIds.end());
    if (tokenizer && tokenizer->specialTokens().eosId) ids.push_back(*tokenizer->specialTokens().eosId);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

int32_t argmax(std::span<const float> logits) {
    return int32_t(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

namespace {

// The most likely token the mask allows; -1 when it allows none.
int32_t maskedArgmax(std::span<const float> logits, const structured::TokenMask& mask) {
    int32_t best = -1;
    for (size_t id = 0; id < logits.size() && id < mask.words.size() * 32; ++id)
        if (mask.allows(int32_t(id)) && (best < 0 || logits[id] > logits[size_t(best)])) best = int32_t(id);
    return best;
}

}  // namespace

Result<GreedyResult> greedyGenerate(Executor& executor, const ModelConfig& config, std::span<const int32_t> prompt,
                                    const GreedyOptions& options) {
    if (prompt.empty()) return makeError("the prompt is empty; give at least one token");
    if (options.maxTokens < 1) return makeError("max tokens must be at least 1");
    const int64_t total = int64_t(prompt.size()) + options.maxTokens;
    const int64_t cacheTokens = int64_t(executor.numKvBlocks()) * executor.blockSize();
    if (total > config.maxPositionEmbeddings)
        return makeError(fmt::format("prompt ({} tokens) plus max tokens ({}) exceeds the model's context of {}",
                                     prompt.size(), options.maxTokens, config.maxPositionEmbeddings));
    if (total > cacheTokens)
        return makeError(fmt::format("prompt ({} tokens) plus max tokens ({}) exceeds the KV cache of {} tokens",
                                     prompt.size(), options.maxTokens, cacheTokens));

    std::vector<int32_t> blockTable(size_t((total + executor.blockSize() - 1) / executor.blockSize()));
    std::iota(blockTable.begin(), blockTable.end(), 0);

    using Clock = std::chrono::steady_clock;
    GreedyResult result;
    std::vector<int32_t> step(prompt.begin(), prompt.end());
    int32_t position = 0;
    for (int i = 0; i < options.maxTokens; ++i) {
        BatchBuilder builder(executor.blockSize());
        builder.addSequence(step, position, blockTable, LogitsFor::Last);
        const auto start = Clock::now();
        auto logits = executor.execute(builder.build());
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        if (!logits) return logits.error();
        (i == 0 ? result.prefillSeconds : result.decodeSeconds) += seconds;

        int32_t next = 0;
        if (options.grammar) {
            auto mask = options.grammar->nextMask();
            if (!mask) return mask.error();
            next = maskedArgmax(*logits, **mask);
            if (next < 0) return makeError("the grammar allows no token here (the vocabulary cannot spell what it needs)");
            auto accepted = options.grammar->acceptToken(next);
            if (!accepted) return accepted.error();
        } else {
            next = argmax(*logits);
        }
        result.tokens.push_back(next);
        position += int32_t(step.size());
        step.assign(1, next);
        const auto& eos = options.eosTokenIds;
        if (!options.ignoreEos && std::find(eos.begin(), eos.end(), next) != eos.end()) {
            result.stoppedOnEos = true;
            break;
        }
        if (options.grammar && options.grammar->terminated()) {
            result.grammarComplete = true;
            break;
        }
    }
    return result;
}

}  // namespace pagoda

// One generation stream of a request (n > 1 gives several): its tokens, how many of them
// have K/V in the cache, and the blocks that hold them. Bookkeeping only, no tensors.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/sampling/sampler.h"
#include "engine/sampling/sampling_params.h"
#include "engine/structured/grammar_matcher.h"
#include "engine/tokenizer/detokenizer.h"

namespace pagoda {

enum class SequenceStatus { Waiting, Running, Finished };
enum class FinishReason { Stop, Length, Abort };

const char* finishReasonName(FinishReason reason);  // "stop", "length", "abort" (the OpenAI words)

struct Sequence {
    int64_t id = 0;
    std::string requestId;
    int index = 0;  // choice index within its request

    std::vector<int32_t> tokenIds;  // prompt, then generated tokens
    size_t numPromptTokens = 0;
    size_t numComputedTokens = 0;   // tokens whose K/V are in the cache
    size_t numCachedPromptTokens = 0;  // prompt tokens the prefix cache supplied (reported in usage)

    std::vector<int32_t> blockTable;
    std::vector<uint64_t> blockHashes;  // chained hashes of the full blocks registered so far

    SequenceStatus status = SequenceStatus::Waiting;
    std::optional<FinishReason> finishReason;
    std::string stopString;              // the stop string that ended it, if one did
    std::optional<int32_t> stopTokenId;  // the stop_token_ids entry that ended it, if one did

    std::shared_ptr<const SamplingParams> params;
    std::unique_ptr<SamplerRng> rng;
    std::unique_ptr<Detokenizer> detokenizer;  // null when the engine has no tokenizer
    // Structured output: null when unconstrained. Shared only with GrammarMasks' prefetch.
    std::shared_ptr<structured::GrammarMatcher> grammar;
    bool grammarWaiting = false;  // the constraint starts after params->structuredOutput->startsAfterToken

    std::chrono::steady_clock::time_point arrival;
    std::optional<std::chrono::steady_clock::time_point> firstTokenTime;
    std::chrono::steady_clock::time_point lastTokenTime;

    size_t numOutputTokens() const { return tokenIds.size() - numPromptTokens; }
    size_t numUncomputedTokens() const { return tokenIds.size() - numComputedTokens; }
    bool isFinished() const { return status == SequenceStatus::Finished; }
};

}  // namespace pagoda

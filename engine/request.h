// What goes into the engine (a Request) and what comes out of each step (RequestOutput).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/prompt_logprobs.h"
#include "engine/sampling/sampler.h"
#include "engine/sampling/sampling_params.h"
#include "engine/sequence.h"

namespace pagoda {

struct Request {
    std::string id;
    std::vector<int32_t> promptIds;
    SamplingParams params;
};

struct Usage {
    size_t promptTokens = 0;
    size_t completionTokens = 0;
    size_t cachedPromptTokens = 0;  // prompt tokens served by the prefix cache
};

// One choice's news from one step.
struct CompletionOutput {
    int index = 0;
    std::vector<int32_t> newTokenIds;
    std::string newText;  // final text only: never half a character or a possible stop-string start
    std::vector<SampleResult> logprobs;  // one per new token when logprobs were requested
    std::optional<FinishReason> finishReason;
    std::string stopString;              // set when a stop string ended it
    std::optional<int32_t> stopTokenId;  // set when a stop_token_ids entry ended it
};

struct RequestOutput {
    std::string requestId;
    std::vector<CompletionOutput> outputs;
    bool finished = false;  // every choice has finished
    Usage usage;            // so far; final when finished
    // When params.promptLogprobs was set: entries for prompt tokens 1.. (the first token has
    // none), in the request's first output only.
    std::optional<std::vector<PromptTokenLogprobs>> promptLogprobs;
};

}  // namespace pagoda

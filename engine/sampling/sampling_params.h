// How one request wants its tokens chosen and when it stops: vLLM's `SamplingParams`
// (vllm/sampling_params.py) with the OpenAI API's names and ranges. The Sampler reads the
// token-choice fields; the Detokenizer and the Scheduler read the stop and length fields.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/common/result.h"
#include "engine/structured/structured_output.h"

namespace pagoda {

// Temperatures below this are greedy, as vLLM's _SAMPLING_EPS: dividing by a smaller one
// would overflow the logits without changing which token wins.
constexpr float kGreedyTemperature = 1e-5f;
constexpr int kMaxLogprobs = 20;        // OpenAI's top_logprobs limit
constexpr float kMaxLogitBias = 100.0f;  // OpenAI rejects |bias| > 100

struct SamplingParams {
    int n = 1;                       // parallel samples per request
    float temperature = 1.0f;        // 0 (below kGreedyTemperature) = greedy: argmax, first index on ties
    int topK = 0;                    // 0 or -1 = off
    float topP = 1.0f;               // (0, 1]
    float minP = 0.0f;               // [0, 1]
    float repetitionPenalty = 1.0f;  // > 0; HF/vLLM semantics: over prompt AND output tokens, logit>0 ? l/p : l*p
    float presencePenalty = 0.0f;    // [-2, 2], OpenAI semantics over OUTPUT tokens only
    float frequencyPenalty = 0.0f;   // [-2, 2], OpenAI semantics over OUTPUT tokens only (count * penalty)
    std::vector<std::pair<int32_t, float>> logitBias;  // added to logits; each bias in [-100, 100]
    std::optional<uint64_t> seed;
    std::vector<std::string> stop;   // handled by the detokenizer, validated here (no empty strings)
    std::vector<int32_t> stopTokenIds;
    bool ignoreEos = false;
    int minTokens = 0;               // eos and stop_token_ids are masked (-inf) until this many tokens were generated
    int maxTokens = 16;              // >= 1
    std::optional<int> logprobs;     // number of top logprobs to return (0..20); unset = none
    // vLLM's prompt_logprobs: per prompt token its logprob, rank and this many top entries
    // (0..20); unset = none. Such a request reads nothing from the prefix cache (as vLLM v1).
    std::optional<int> promptLogprobs;
    bool skipSpecialTokens = true;
    bool includeStopStrInOutput = false;
    // Output constrained to a grammar (JSON schema, regex, choice, GBNF); unset = free text.
    std::optional<structured::StructuredOutput> structuredOutput;

    bool greedy() const { return temperature < kGreedyTemperature; }

    // Rejects out-of-range values with a message naming the parameter as the OpenAI API
    // spells it, e.g. "top_p must be in (0, 1], got 1.5", "logit_bias: token id 999999 is
    // outside the vocabulary (0..151935)".
    Status validate(int vocabSize) const;
};

// Defaults from a model directory's generation_config.json, as vLLM's default
// `--generation-config auto`: temperature, top_p, top_k, min_p and repetition_penalty when
// present, and do_sample: false means greedy (temperature 0). max_new_tokens is NOT taken as
// a default for maxTokens. A missing file gives the base defaults; a malformed one an error
// naming the file and the key.
Result<SamplingParams> samplingDefaults(const std::filesystem::path& modelDir);

}  // namespace pagoda

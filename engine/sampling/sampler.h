// Chooses one token per sequence from its logits, as vLLM's Sampler, one sequence at a time.
//
// Order of processing (vLLM v0's order; v1 moved min_p before top_k/top_p):
//   0. raw logprobs: log_softmax of the logits as they arrive, before anything below
//      (vLLM v1's default logprobs_mode "raw_logprobs")
//   1. logit_bias          added to the named tokens
//   2. min_tokens          eos (unless ignore_eos) and stop_token_ids get -inf while fewer
//                          than min_tokens tokens were generated
//   3. penalties           repetition (prompt and output tokens), then frequency, then
//                          presence (output tokens only), as vLLM's apply_penalties
//   4. temperature < 1e-5  greedy: argmax, first index on ties (torch.argmax); stop here
//   5. temperature         probabilities are softmax(logits / temperature)
//   6. top_k               the k highest logits; ties at the k-th place go to the lower id
//   7. top_p               the smallest prefix (by probability, then lower id) whose mass >= p,
//                          measured after top_k
//   8. min_p               drops tokens with p < min_p * p_max
//   9. draw                one uniform from the sequence's SamplerRng, inverse CDF over what
//                          remains (renormalized): in rank order after top_k/top_p, else in
//                          id order
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "engine/sampling/sampler_rng.h"
#include "engine/sampling/sampling_params.h"

namespace pagoda {

struct SampleInput {
    const SamplingParams* params = nullptr;
    std::span<const int32_t> promptIds;
    std::span<const int32_t> outputIds;    // tokens this sequence generated so far
    std::span<const int32_t> eosTokenIds;  // the model's end-of-generation ids (masked under min_tokens)
    SamplerRng* rng = nullptr;             // null allowed when params->greedy()
};

struct TokenLogprob {
    int32_t token;
    float logprob;
};

struct SampleResult {
    int32_t token = 0;
    float logprob = 0.0f;                   // of the chosen token, from the raw logits (when params->logprobs is set)
    std::vector<TokenLogprob> topLogprobs;  // params->logprobs entries, highest first (ties: lower id first)
};

// Used from one thread. Scratch lives in members sized to the vocabulary on first use, so the
// steady state allocates nothing (apart from topLogprobs when sample() returns by value).
class Sampler {
public:
    // `logits` (vocab floats) is scratch: steps 1-3 modify it in place. Logprobs come from
    // the RAW logits.
    SampleResult sample(std::span<float> logits, const SampleInput& input);
    // The same, reusing `result.topLogprobs`' capacity.
    void sample(std::span<float> logits, const SampleInput& input, SampleResult& result);

    // Steps 1-3 alone, in place: what the logits look like when sampling starts.
    void processLogits(std::span<float> logits, const SampleInput& input);

private:
    struct Candidate {
        float logit;
        int32_t id;
        float weight;  // exp((logit - max) / temperature): 1 for the best token
    };

    void setLogit(std::span<float> logits, int32_t id, float value);
    float rawLogit(std::span<const float> logits, int32_t id) const;
    void applyPenalties(std::span<float> logits, const SampleInput& input);
    int32_t sampleFromDistribution(std::span<const float> logits, float maxLogit, const SamplingParams& params,
                                   double u);
    int32_t drawFromVocabulary(size_t vocab, double u);
    int32_t drawFromCandidates(double u) const;
    void selectTop(std::span<const float> logits, size_t count);
    void keepTopP(std::span<const float> logits, float p, double total, bool mayNeedRest);
    void keepMinP(float minP);
    void collectTopLogprobs(std::span<const float> logits, int count, double logNormalizer,
                            std::vector<TokenLogprob>& out) const;

    // Steps 5-9 over the whole vocabulary, in id order: m_weights[id], and their sums per
    // block so a draw finds its block first and walks at most one block.
    std::vector<float> m_weights;
    std::vector<double> m_blockSums;
    // Steps 6-9 when top_k or top_p rank tokens: best first (logit descending, then id).
    std::vector<Candidate> m_candidates;
    std::vector<float> m_sliceMax;      // selectTop's bound
    std::vector<float> m_sliceScratch;
    // The original value of every logit steps 1-3 changed, oldest first, so raw logprobs need
    // no copy of the whole vocabulary.
    std::vector<std::pair<int32_t, float>> m_rawLogits;
    std::vector<int32_t> m_outputCounts;  // per vocabulary id; all zero between calls
    std::vector<uint8_t> m_seen;          // per vocabulary id; all zero between calls
    std::vector<int32_t> m_touched;
    SamplerRng m_fallbackRng{0};  // only if a caller breaks the contract and passes no rng
};

}  // namespace pagoda

#include "engine/sampling/sampler.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace pagoda {

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// top_p first ranks only this many candidates (nth_element, then a sort of those); the rest
// of the vocabulary is sorted only if their mass falls short of p. With the usual p <= 0.95
// on a peaked LM distribution the prefix almost always suffices.
constexpr size_t kTopPPrefix = 1024;

// The one ranking every filter uses: higher logit first, then lower id, so ties resolve the
// way torch.argmax does and results never depend on the sort algorithm.
constexpr auto ranksBefore = [](const auto& a, const auto& b) {
    return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
};

bool inVocab(int32_t id, size_t vocab) { return id >= 0 && size_t(id) < vocab; }

// log(sum(exp(logits))) with max subtraction and double accumulation.
double logSumExp(std::span<const float> logits) {
    float maxLogit = kNegInf;
    for (float l : logits) maxLogit = std::max(maxLogit, l);
    if (maxLogit == kNegInf) return kNegInf;
    double sum = 0.0;
    for (float l : logits) sum += std::exp(l - maxLogit);
    return double(maxLogit) + std::log(sum);
}

// Code elsewhere in the process that leaves the upper halves of the YMM registers dirty (seen
// from Qt's test data machinery: XGETBV(1) reports AVX state in use) makes every SSE
// instruction here, and every call into libm's VEX-encoded expf, pay a state transition:
// sampling ran 6x slower (4096-token top_p: 190 us -> 1.2 ms per token). One VZEROUPPER on
// entry, on CPUs that have AVX, removes it.
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx"))) void zeroUpperAvx() { _mm256_zeroupper(); }
void clearUpperVectorState() {
    static const bool hasAvx = __builtin_cpu_supports("avx");
    if (hasAvx) zeroUpperAvx();
}
#else
void clearUpperVectorState() {}
#endif

int32_t firstArgmax(std::span<const float> logits) {
    return int32_t(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

}  // namespace

SampleResult Sampler::sample(std::span<float> logits, const SampleInput& input) {
    SampleResult result;
    sample(logits, input, result);
    return result;
}

void Sampler::sample(std::span<float> logits, const SampleInput& input, SampleResult& result) {
    assert(input.params && !logits.empty());
    const SamplingParams& params = *input.params;
    clearUpperVectorState();

    const double logNormalizer = logSumExp(logits);
    result.topLogprobs.clear();
    if (params.logprobs && *params.logprobs > 0)
        collectTopLogprobs(logits, *params.logprobs, logNormalizer, result.topLogprobs);

    processLogits(logits, input);

    if (params.greedy()) {
        result.token = firstArgmax(logits);
    } else {
        assert(input.rng && "a sampled (temperature > 0) sequence needs its SamplerRng");
        result.token = sampleFromDistribution(logits, params, input.rng ? *input.rng : m_fallbackRng);
    }
    result.logprob = float(double(rawLogit(logits, result.token)) - logNormalizer);
}

void Sampler::processLogits(std::span<float> logits, const SampleInput& input) {
    const SamplingParams& params = *input.params;
    m_rawLogits.clear();

    for (const auto& [id, bias] : params.logitBias)
        if (inVocab(id, logits.size())) setLogit(logits, id, logits[id] + bias);

    // vLLM's MinTokensLogitsProcessor masks all_stop_token_ids, which holds eos only when
    // eos ends generation (not under ignore_eos).
    if (int64_t(input.outputIds.size()) < params.minTokens) {
        for (int32_t id : params.stopTokenIds)
            if (inVocab(id, logits.size())) setLogit(logits, id, kNegInf);
        if (!params.ignoreEos)
            for (int32_t id : input.eosTokenIds)
                if (inVocab(id, logits.size())) setLogit(logits, id, kNegInf);
    }

    applyPenalties(logits, input);
}

void Sampler::setLogit(std::span<float> logits, int32_t id, float value) {
    m_rawLogits.emplace_back(id, logits[id]);
    logits[id] = value;
}

float Sampler::rawLogit(std::span<const float> logits, int32_t id) const {
    for (const auto& [changed, raw] : m_rawLogits)
        if (changed == id) return raw;
    return logits[id];
}

// vLLM's apply_penalties: repetition over prompt and output, then frequency and presence over
// the output, each token visited once (marks are cleared again, so no per-call zeroing of
// vocabulary-sized arrays).
void Sampler::applyPenalties(std::span<float> logits, const SampleInput& input) {
    const SamplingParams& params = *input.params;
    const bool repetition = params.repetitionPenalty != 1.0f;
    const bool output = params.frequencyPenalty != 0.0f || params.presencePenalty != 0.0f;
    if (!repetition && !output) return;
    const size_t vocab = logits.size();
    if (m_seen.size() < vocab) m_seen.resize(vocab, 0);
    if (m_outputCounts.size() < vocab) m_outputCounts.resize(vocab, 0);

    if (repetition) {
        m_touched.clear();
        for (auto ids : {input.promptIds, input.outputIds})
            for (int32_t id : ids)
                if (inVocab(id, vocab) && !m_seen[id]) {
                    m_seen[id] = 1;
                    m_touched.push_back(id);
                }
        const float penalty = params.repetitionPenalty;
        for (int32_t id : m_touched) {
            const float l = logits[id];
            setLogit(logits, id, l > 0.0f ? l / penalty : l * penalty);  // HF RepetitionPenaltyLogitsProcessor
            m_seen[id] = 0;
        }
    }
    if (output) {
        m_touched.clear();
        for (int32_t id : input.outputIds)
            if (inVocab(id, vocab) && m_outputCounts[id]++ == 0) m_touched.push_back(id);
        for (int32_t id : m_touched) {
            float l = logits[id];
            l -= params.frequencyPenalty * float(m_outputCounts[id]);
            l -= params.presencePenalty;
            setLogit(logits, id, l);
            m_outputCounts[id] = 0;
        }
    }
}

int32_t Sampler::sampleFromDistribution(std::span<const float> logits, const SamplingParams& params,
                                        SamplerRng& rng) {
    // One draw per sampled token, whatever the filters leave: a sequence's stream of draws
    // depends only on how many tokens it has sampled.
    const double u = rng.uniformDouble();

    m_candidates.clear();
    m_candidatesSorted = false;
    float maxLogit = kNegInf;
    for (size_t i = 0; i < logits.size(); ++i) {
        const float l = logits[i];
        if (l > kNegInf) {  // also drops NaN
            m_candidates.push_back({l, int32_t(i), 0.0f});
            maxLogit = std::max(maxLogit, l);
        }
    }
    if (m_candidates.empty()) return firstArgmax(logits);  // everything masked: nothing to draw from

    if (params.topK > 0 && size_t(params.topK) < m_candidates.size()) keepTopK(params.topK);
    // Top-k keeps the maximum, so the best candidate's weight is exactly exp(0) = 1.
    for (auto& c : m_candidates) c.weight = std::exp((c.logit - maxLogit) / params.temperature);
    if (params.topP < 1.0f) keepTopP(params.topP);
    if (params.minP > 0.0f) keepMinP(params.minP);

    double total = 0.0;
    for (const auto& c : m_candidates) total += c.weight;
    const double target = u * total;
    double cumulative = 0.0;
    for (const auto& c : m_candidates) {
        cumulative += c.weight;
        if (target < cumulative) return c.id;
    }
    // Rounding left target at the very end: the last candidate that has any weight.
    for (auto it = m_candidates.rbegin(); it != m_candidates.rend(); ++it)
        if (it->weight > 0.0f) return it->id;
    return m_candidates.front().id;
}

void Sampler::sortCandidates(size_t begin, size_t end) {
    std::sort(m_candidates.begin() + ptrdiff_t(begin), m_candidates.begin() + ptrdiff_t(end), ranksBefore);
}

void Sampler::keepTopK(int k) {
    std::nth_element(m_candidates.begin(), m_candidates.begin() + k, m_candidates.end(), ranksBefore);
    m_candidates.resize(size_t(k));
    sortCandidates(0, m_candidates.size());
    m_candidatesSorted = true;
}

// Keeps candidate i while the mass ranked before it is < p, i.e. the smallest prefix whose
// mass reaches p (vLLM: drop where the ascending cumsum <= 1 - p).
void Sampler::keepTopP(float p) {
    const size_t count = m_candidates.size();
    double total = 0.0;
    for (const auto& c : m_candidates) total += c.weight;
    const double target = double(p) * total;

    size_t sortedEnd = count;
    if (!m_candidatesSorted) {
        sortedEnd = std::min(kTopPPrefix, count);
        if (sortedEnd < count)
            std::nth_element(m_candidates.begin(), m_candidates.begin() + ptrdiff_t(sortedEnd), m_candidates.end(),
                             ranksBefore);
        sortCandidates(0, sortedEnd);
    }
    size_t keep = count;
    double before = 0.0;
    for (size_t i = 0; i < count; ++i) {
        if (i == sortedEnd) {  // the prefix fell short of p: rank the rest too
            sortCandidates(sortedEnd, count);
            sortedEnd = count;
        }
        if (before >= target) {
            keep = i;
            break;
        }
        before += m_candidates[i].weight;
    }
    m_candidates.resize(keep);
    m_candidatesSorted = true;  // every kept candidate was ranked before the loop reached it
}

// p < min_p * p_max, with both sides scaled by the same normalizer: p_max's weight is 1.
void Sampler::keepMinP(float minP) {
    const auto tooUnlikely = [minP](const Candidate& c) { return c.weight < minP; };
    if (m_candidatesSorted) {  // weights fall along the ranking, so the dropped ones are a suffix
        const auto end = std::partition_point(m_candidates.begin(), m_candidates.end(),
                                              [&](const Candidate& c) { return !tooUnlikely(c); });
        m_candidates.erase(end, m_candidates.end());
    } else {
        m_candidates.erase(std::remove_if(m_candidates.begin(), m_candidates.end(), tooUnlikely), m_candidates.end());
    }
}

void Sampler::collectTopLogprobs(std::span<const float> logits, int count, double logNormalizer,
                                 std::vector<TokenLogprob>& out) const {
    const size_t wanted = std::min(size_t(count), logits.size());
    out.reserve(wanted);
    // A small sorted list, filled in id order: an equal logit never displaces an earlier
    // (lower) id. Holds raw logits until the end.
    for (size_t i = 0; i < logits.size(); ++i) {
        const float l = logits[i];
        if (std::isnan(l)) continue;
        if (out.size() == wanted && !(l > out.back().logprob)) continue;
        const auto at = std::find_if(out.begin(), out.end(), [l](const TokenLogprob& t) { return t.logprob < l; });
        const ptrdiff_t position = at - out.begin();
        if (out.size() == wanted) out.pop_back();
        out.insert(out.begin() + position, {int32_t(i), l});
    }
    for (auto& entry : out) entry.logprob = float(double(entry.logprob) - logNormalizer);
}

}  // namespace pagoda

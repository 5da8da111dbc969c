#include "engine/sampling/sampler.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <functional>
#include <limits>

#include "engine/sampling/softmax_math.h"

namespace pagoda {

namespace {

using namespace sampling;

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// top_p first ranks only this many candidates; the rest of the vocabulary is ranked only if
// their mass falls short of p. With the usual p <= 0.95 on a peaked LM distribution the
// prefix almost always suffices.
constexpr size_t kTopPPrefix = 1024;
// selectTop bounds the best `count` logits with up to this many slices per wanted
// candidate, each of at least kMinSliceSize tokens (with fewer it gathers every finite
// logit). More, smaller slices give a tighter bound; four gathers ~1.2x `count` tokens on
// LM-like logits.
constexpr size_t kSlicesPerCandidate = 4;
constexpr size_t kMinSliceSize = 8;
// Whole-vocabulary draws find their block from per-block sums, then walk one block.
constexpr size_t kDrawBlock = 1024;

// The one ranking every filter uses: higher logit first, then lower id, so ties resolve the
// way torch.argmax does and results never depend on the sort algorithm.
constexpr auto ranksBefore = [](const auto& a, const auto& b) {
    return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
};

bool inVocab(int32_t id, size_t vocab) { return id >= 0 && size_t(id) < vocab; }

// With `maximum` from maxValue: the argmax, first index on ties (torch.argmax); NaN never wins.
int32_t firstIndexOf(std::span<const float> logits, float maximum) {
    const auto it = std::find(logits.begin(), logits.end(), maximum);
    return it == logits.end() ? 0 : int32_t(it - logits.begin());
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
    const size_t vocab = logits.size();
    if (m_weights.size() < vocab) m_weights.resize(vocab);

    // Step 0: log_softmax of the raw logits (max subtraction, double sum), only when asked for:
    // a pass of exps over the whole vocabulary per sequence per step, on the engine thread.
    const float rawMax = maxValue(logits.data(), vocab);
    double logNormalizer = kNegInf;
    if (params.logprobs && rawMax > kNegInf) {
        expShifted(logits.data(), m_weights.data(), vocab, rawMax, 1.0f);
        logNormalizer = double(rawMax) + std::log(sum(m_weights.data(), vocab));
    }
    result.topLogprobs.clear();
    if (params.logprobs && *params.logprobs > 0)
        collectTopLogprobs(logits, *params.logprobs, logNormalizer, result.topLogprobs);

    processLogits(logits, input);
    // Steps 1-3 usually touch a handful of tokens or none; when none, the raw maximum stands.
    const float maxLogit = m_rawLogits.empty() ? rawMax : maxValue(logits.data(), vocab);

    if (params.greedy()) {
        result.token = firstIndexOf(logits, maxLogit);
    } else {
        assert(input.rng && "a sampled (temperature > 0) sequence needs its SamplerRng");
        // One draw per sampled token, whatever the filters leave: a sequence's stream of draws
        // depends only on how many tokens it has sampled.
        const double u = (input.rng ? *input.rng : m_fallbackRng).uniformDouble();
        result.token = sampleFromDistribution(logits, maxLogit, params, u);
    }
    result.logprob = params.logprobs ? float(double(rawLogit(logits, result.token)) - logNormalizer) : 0.0f;
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

int32_t Sampler::sampleFromDistribution(std::span<const float> logits, float maxLogit, const SamplingParams& params,
                                        double u) {
    const size_t vocab = logits.size();
    if (!(maxLogit > kNegInf)) return firstIndexOf(logits, maxLogit);  // everything masked: nothing to draw from
    const float inverseTemperature = 1.0f / params.temperature;
    const bool topK = params.topK > 0 && size_t(params.topK) < vocab;
    const bool topP = params.topP < 1.0f;

    if (!topK) {
        // Weights of the whole vocabulary, in id order; the best token's is exactly exp(0) = 1.
        expShifted(logits.data(), m_weights.data(), vocab, maxLogit, inverseTemperature);
        if (!topP) {
            if (params.minP > 0.0f) zeroBelow(m_weights.data(), vocab, params.minP);
            return drawFromVocabulary(vocab, u);
        }
        const double total = sum(m_weights.data(), vocab);
        selectTop(logits, std::min(kTopPPrefix, vocab));
        for (auto& c : m_candidates) c.weight = m_weights[size_t(c.id)];
        keepTopP(logits, params.topP, total, true);
    } else {
        selectTop(logits, size_t(params.topK));
        for (auto& c : m_candidates) c.weight = expNonPositive((c.logit - maxLogit) * inverseTemperature);
        if (topP) {
            double total = 0.0;
            for (const auto& c : m_candidates) total += c.weight;
            keepTopP(logits, params.topP, total, false);
        }
    }
    if (params.minP > 0.0f) keepMinP(params.minP);
    return drawFromCandidates(u);
}

int32_t Sampler::drawFromVocabulary(size_t vocab, double u) {
    const size_t blocks = (vocab + kDrawBlock - 1) / kDrawBlock;
    if (m_blockSums.size() < blocks) m_blockSums.resize(blocks);
    double total = 0.0;
    for (size_t b = 0; b < blocks; ++b) {
        const size_t begin = b * kDrawBlock;
        m_blockSums[b] = sum(m_weights.data() + begin, std::min(kDrawBlock, vocab - begin));
        total += m_blockSums[b];
    }
    const double target = u * total;
    double cumulative = 0.0;
    for (size_t b = 0; b < blocks; ++b) {
        if (target < cumulative + m_blockSums[b] || b + 1 == blocks) {
            const size_t begin = b * kDrawBlock;
            const size_t end = std::min(begin + kDrawBlock, vocab);
            for (size_t i = begin; i < end; ++i) {
                cumulative += m_weights[i];
                if (target < cumulative) return int32_t(i);
            }
            // Rounding put target past this block's last token by a hair: take the last
            // token with any weight, here or before.
            for (size_t i = end; i-- > 0;)
                if (m_weights[i] > 0.0f) return int32_t(i);
        }
        cumulative += m_blockSums[b];
    }
    return 0;  // unreachable: the best token has weight 1
}

int32_t Sampler::drawFromCandidates(double u) const {
    double total = 0.0;
    for (const auto& c : m_candidates) total += c.weight;
    const double target = u * total;
    double cumulative = 0.0;
    for (const auto& c : m_candidates) {
        cumulative += c.weight;
        if (target < cumulative) return c.id;
    }
    for (auto it = m_candidates.rbegin(); it != m_candidates.rend(); ++it)
        if (it->weight > 0.0f) return it->id;
    return m_candidates.front().id;
}

// The `count` best finite logits into m_candidates, ranked, without ranking the vocabulary.
// Cut it into S >= count slices; the count-th largest slice maximum is a bound that at least
// `count` logits reach, so the `count` best all do, and they lie in the slices whose maximum
// reaches it (or in the few tokens past the last slice). Only those slices are gathered
// (about count/S of the vocabulary), then nth_element and a sort rank the gathered ones.
void Sampler::selectTop(std::span<const float> logits, size_t count) {
    const size_t vocab = logits.size();
    m_candidates.clear();
    auto gather = [&](size_t begin, size_t end, float bound) {
        for (size_t i = begin; i < end; ++i) {
            const float l = logits[i];
            if (l >= bound && l > kNegInf) m_candidates.push_back({l, int32_t(i), 0.0f});
        }
    };
    if (count * kMinSliceSize > vocab) {
        gather(0, vocab, kNegInf);
    } else {
        const size_t slices = std::min(vocab / kMinSliceSize, kSlicesPerCandidate * count);
        const size_t slice = vocab / slices;
        m_sliceMax.resize(slices);
        for (size_t s = 0; s < slices; ++s) m_sliceMax[s] = maxValue(logits.data() + s * slice, slice);
        m_sliceScratch.assign(m_sliceMax.begin(), m_sliceMax.end());
        std::nth_element(m_sliceScratch.begin(), m_sliceScratch.begin() + ptrdiff_t(count - 1), m_sliceScratch.end(),
                         std::greater<float>());
        const float bound = m_sliceScratch[count - 1];
        for (size_t s = 0; s < slices; ++s)
            if (m_sliceMax[s] >= bound) gather(s * slice, (s + 1) * slice, bound);
        gather(slices * slice, vocab, bound);
    }
    if (count < m_candidates.size()) {
        std::nth_element(m_candidates.begin(), m_candidates.begin() + ptrdiff_t(count), m_candidates.end(),
                         ranksBefore);
        m_candidates.resize(count);
    }
    std::sort(m_candidates.begin(), m_candidates.end(), ranksBefore);
}

// Keeps candidate i while the mass ranked before it is < p, i.e. the smallest prefix whose
// mass reaches p (vLLM: drop where the ascending cumsum <= 1 - p). `total` is the mass of
// every token still in play. If the ranked candidates fall short of p and `mayNeedRest`, the
// rest of the vocabulary (weights in m_weights) joins them unranked and is ranked in batches
// that double the ranked prefix each time (nth_element, then a sort of the batch), so a
// flat distribution costs a full sort only if p really needs nearly all of it.
void Sampler::keepTopP(std::span<const float> logits, float p, double total, bool mayNeedRest) {
    const double target = double(p) * total;
    double before = 0.0;
    size_t keep = 0;
    size_t ranked = m_candidates.size();
    bool restGathered = !mayNeedRest;
    for (;;) {
        if (keep == ranked) {
            if (!restGathered) {
                const Candidate last = m_candidates.back();
                for (size_t i = 0; i < logits.size(); ++i) {
                    const Candidate c{logits[i], int32_t(i), m_weights[i]};
                    if (c.logit > kNegInf && ranksBefore(last, c)) m_candidates.push_back(c);
                }
                restGathered = true;
            }
            if (ranked == m_candidates.size()) break;
            const auto first = m_candidates.begin() + ptrdiff_t(ranked);
            const auto middle = first + ptrdiff_t(std::min(m_candidates.size() - ranked, std::max(ranked, kTopPPrefix)));
            if (middle != m_candidates.end()) std::nth_element(first, middle, m_candidates.end(), ranksBefore);
            std::sort(first, middle, ranksBefore);
            ranked = size_t(middle - m_candidates.begin());
            continue;
        }
        if (before >= target) break;
        before += m_candidates[keep].weight;
        ++keep;
    }
    m_candidates.resize(keep);
}

// p < min_p * p_max, both sides scaled by the same normalizer: p_max's weight is 1.
void Sampler::keepMinP(float minP) {
    m_candidates.erase(std::remove_if(m_candidates.begin(), m_candidates.end(),
                                      [minP](const Candidate& c) { return c.weight < minP; }),
                       m_candidates.end());
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

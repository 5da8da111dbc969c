#include "engine/prompt_logprobs.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/request.h"
#include "engine/sampling/softmax_math.h"

namespace pagoda {

void promptTokenLogprobs(std::span<const float> logits, int32_t token, int topCount, PromptTokenLogprobs& out) {
    const size_t vocab = logits.size();
    // The sampler's vectorized loops; the scratch row is sized once per thread.
    thread_local std::vector<float> weights;
    if (weights.size() < vocab) weights.resize(vocab);
    const float maxLogit = sampling::maxValue(logits.data(), vocab);
    sampling::expShifted(logits.data(), weights.data(), vocab, maxLogit, 1.0f);
    const double logNormalizer = double(maxLogit) + std::log(sampling::sum(weights.data(), vocab));

    const float own = logits[size_t(token)];
    out.token = token;
    out.logprob = float(double(own) - logNormalizer);
    out.rank = std::count_if(logits.begin(), logits.end(), [own](float l) { return l >= own; });
    if (std::isnan(own)) out.rank = int64_t(vocab);

    // A short sorted list filled in id order, so an equal logit never displaces a lower id.
    // Once full, a logit must beat the last entry to get in: one predictable compare each.
    out.top.clear();
    const size_t wanted = std::min(size_t(std::max(topCount, 0)), vocab);
    const auto insert = [&out, wanted](int32_t id, float l) {
        const auto at = std::find_if(out.top.begin(), out.top.end(), [l](const TokenLogprob& t) { return t.logprob < l; });
        const ptrdiff_t place = at - out.top.begin();
        if (out.top.size() == wanted) out.top.pop_back();
        out.top.insert(out.top.begin() + place, {id, l});
    };
    size_t i = 0;
    for (; i < vocab && out.top.size() < wanted; ++i)
        if (!std::isnan(logits[i])) insert(int32_t(i), logits[i]);
    float threshold = out.top.empty() ? std::numeric_limits<float>::infinity() : out.top.back().logprob;
    for (; i < vocab; ++i) {
        if (!(logits[i] > threshold)) continue;  // NaN never gets in
        insert(int32_t(i), logits[i]);
        threshold = out.top.back().logprob;
    }
    for (TokenLogprob& entry : out.top) entry.logprob = float(double(entry.logprob) - logNormalizer);
}

void PromptLogprobsProcessor::add(const std::string& requestId, std::span<const int32_t> promptIds, int topCount) {
    Collector& c = m_requests[requestId];
    c.promptIds.assign(promptIds.begin(), promptIds.end());
    c.topCount = topCount;
    c.entries.assign(promptIds.empty() ? 0 : promptIds.size() - 1, {});
    c.filled.assign(c.entries.size(), 0);
    c.numFilled = 0;
}

LogitsFor PromptLogprobsProcessor::logitsFor(const ScheduledSequence& scheduled) const {
    const LogitsFor plain = scheduled.completesPending() ? LogitsFor::Last : LogitsFor::None;
    if (m_requests.empty()) return plain;  // the usual step: nobody asked
    const auto it = m_requests.find(scheduled.sequence->requestId);
    if (it == m_requests.end() || it->second.complete()) return plain;
    // Rows at positions 0 .. entries.size() - 1 give entries; later rows (the prompt's last,
    // recomputed output tokens) only the one sampled from.
    const size_t first = scheduled.sequence->numComputedTokens;
    return first < it->second.entries.size() && scheduled.numNewTokens > 0 ? LogitsFor::All : plain;
}

size_t PromptLogprobsProcessor::numRows(LogitsFor logits, size_t numNewTokens) {
    switch (logits) {
        case LogitsFor::None: return 0;
        case LogitsFor::Last: return numNewTokens > 0 ? 1 : 0;
        case LogitsFor::All: return numNewTokens;
    }
    return 0;
}

void PromptLogprobsProcessor::consume(const ScheduledSequence& scheduled, std::span<const float> rows, size_t vocab) {
    const auto it = m_requests.find(scheduled.sequence->requestId);
    if (it == m_requests.end()) return;
    Collector& c = it->second;
    const size_t first = scheduled.sequence->numComputedTokens;
    for (size_t r = 0; r < scheduled.numNewTokens && first + r < c.entries.size(); ++r) {
        const size_t position = first + r;
        if (c.filled[position] || (r + 1) * vocab > rows.size()) continue;
        promptTokenLogprobs(rows.subspan(r * vocab, vocab), c.promptIds[position + 1], c.topCount, c.entries[position]);
        c.filled[position] = 1;
        ++c.numFilled;
    }
}

void PromptLogprobsProcessor::deliver(RequestOutput& out, bool finished) {
    const auto it = m_requests.find(out.requestId);
    if (it == m_requests.end()) return;
    if (it->second.complete()) {
        out.promptLogprobs = std::move(it->second.entries);
        m_requests.erase(it);
    } else if (finished) {
        m_requests.erase(it);
    }
}

}  // namespace pagoda

// Prompt logprobs (vLLM's `prompt_logprobs`): for every prompt token after the first, the
// logprob the model gave it, its rank in the vocabulary and the top entries. The logits of
// position i predict token i + 1, so a sequence that asks gets logits for every prompt row it
// computes (LogitsFor::All), chunk by chunk, instead of the last row only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/executor/batch.h"
#include "engine/sampling/sampler.h"
#include "engine/scheduler/scheduler.h"

namespace pagoda {

struct RequestOutput;

// One prompt token's entry, vLLM's {token_id: Logprob(logprob, rank, decoded_token)}.
struct PromptTokenLogprobs {
    int32_t token = 0;
    float logprob = 0.0f;
    // The tokens at least as likely as this one, itself included (vLLM v1's (logprobs >= own).sum()):
    // 1 for the argmax, more when others tie with it.
    int64_t rank = 1;
    std::vector<TokenLogprob> top;  // the requested count, best first (ties: lower id first); rank = place + 1
};

// The entry for `token` from one row of raw logits (vocab floats).
void promptTokenLogprobs(std::span<const float> logits, int32_t token, int topCount, PromptTokenLogprobs& out);

// Collects the entries of the requests that asked, by prompt position, so rows computed twice
// (a preempted prompt is recomputed) count once, and hands them out with the request's first
// output, as vLLM does.
class PromptLogprobsProcessor {
public:
    void add(const std::string& requestId, std::span<const int32_t> promptIds, int topCount);

    // The rows a scheduled sequence needs: All while its request still lacks entries for the
    // prompt positions this step computes, else Last when it samples, else None.
    LogitsFor logitsFor(const ScheduledSequence& scheduled) const;
    static size_t numRows(LogitsFor logits, size_t numNewTokens);

    // `rows` are the logits of every token the step computed for this sequence (LogitsFor::All);
    // call before numComputedTokens moves past them.
    void consume(const ScheduledSequence& scheduled, std::span<const float> rows, size_t vocab);

    // Moves a request's entries into `out` once all are there; a finished request is forgotten
    // (with what it has, when aborted before its prompt was computed: nothing is sent).
    void deliver(RequestOutput& out, bool finished);

private:
    struct Collector {
        std::vector<int32_t> promptIds;
        int topCount = 0;
        std::vector<PromptTokenLogprobs> entries;  // entries[i] is prompt token i + 1
        std::vector<uint8_t> filled;
        size_t numFilled = 0;
        bool complete() const { return numFilled == entries.size(); }
    };
    std::unordered_map<std::string, Collector> m_requests;
};

}  // namespace pagoda

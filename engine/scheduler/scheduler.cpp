#include "engine/scheduler/scheduler.h"

#include <algorithm>

namespace pagoda {

void Scheduler::preempt(Sequence* seq) {
    m_blocks.release(*seq);  // resets numComputedTokens: it will be recomputed
    seq->status = SequenceStatus::Waiting;
    m_running.erase(std::find(m_running.begin(), m_running.end(), seq));
    m_waiting.push_front(seq);
    ++m_totalPreemptions;
}

void Scheduler::admitSiblings() {
    // Once the parent's prompt is computed, a sibling shares its full blocks and waits in line
    // to compute only the partial tail. A parent that finished or went back to waiting
    // without finishing its prompt releases its siblings as ordinary requests.
    for (auto it = m_siblings.begin(); it != m_siblings.end();) {
        Sequence* parent = it->parent;
        const bool parentReady = parent->status == SequenceStatus::Running &&
                                 parent->numComputedTokens >= parent->numPromptTokens;
        if (parentReady) m_blocks.forkComputedPrefix(*parent, *it->child);
        if (parentReady || parent->status != SequenceStatus::Running) {
            m_waiting.push_back(it->child);
            it = m_siblings.erase(it);
        } else {
            ++it;
        }
    }
}

namespace {

// A prompt-logprobs request brings back a row of logits per prompt token it computes (600 KB
// each at a 152k vocabulary), so its prefill goes in chunks of at most this many tokens.
constexpr size_t kMaxPromptLogprobRows = 128;

size_t newTokensFor(const Sequence& seq, size_t budget) {
    size_t numNew = std::min(seq.numUncomputedTokens(), budget);
    if (seq.params && seq.params->promptLogprobs && seq.numComputedTokens < seq.numPromptTokens)
        numNew = std::min(numNew, kMaxPromptLogprobRows);
    return numNew;
}

}  // namespace

SchedulerOutput Scheduler::schedule() {
    SchedulerOutput out;
    admitSiblings();
    size_t budget = size_t(m_config.maxNumBatchedTokens);

    // 1. Running sequences, oldest first; preempting the newest when blocks run out.
    for (size_t i = 0; i < m_running.size() && budget > 0;) {
        Sequence* seq = m_running[i];
        const size_t numNew = newTokensFor(*seq, budget);
        bool preemptedSelf = false;
        while (!m_blocks.allocateSlots(*seq, numNew)) {
            Sequence* victim = m_running.back();
            preempt(victim);
            ++out.numPreempted;
            if (victim == seq) {
                preemptedSelf = true;
                break;
            }
        }
        if (preemptedSelf) break;  // it was the newest: nothing after it is left
        out.scheduled.push_back({seq, numNew});
        budget -= numNew;
        ++i;
    }

    // 2. Waiting sequences, first come first served, unless this step already had to preempt.
    while (out.numPreempted == 0 && !m_waiting.empty() && budget > 0 &&
           m_running.size() < size_t(m_config.maxNumSeqs)) {
        Sequence* seq = m_waiting.front();
        // Prompt logprobs need every prompt row computed, so such a sequence reads no cache (vLLM v1).
        const bool wantsPromptRows = seq->params && seq->params->promptLogprobs;
        if (seq->numComputedTokens == 0 && seq->blockTable.empty() && !wantsPromptRows) {
            const size_t cached = m_blocks.acquireCachedPrefix(*seq);
            if (seq->numOutputTokens() == 0) seq->numCachedPromptTokens = std::max(seq->numCachedPromptTokens, cached);
        }
        const size_t numNew = newTokensFor(*seq, budget);
        if (!m_blocks.allocateSlots(*seq, numNew)) {
            // Waiting sequences hold no blocks, so the ones running can always make progress.
            m_blocks.release(*seq);
            break;
        }
        m_waiting.pop_front();
        seq->status = SequenceStatus::Running;
        m_running.push_back(seq);
        out.scheduled.push_back({seq, numNew});
        budget -= numNew;
    }
    for (const auto& s : out.scheduled) out.numBatchedTokens += s.numNewTokens;
    return out;
}

void Scheduler::finish(Sequence* seq) {
    seq->status = SequenceStatus::Finished;
    if (auto it = std::find(m_running.begin(), m_running.end(), seq); it != m_running.end()) m_running.erase(it);
    if (auto it = std::find(m_waiting.begin(), m_waiting.end(), seq); it != m_waiting.end()) m_waiting.erase(it);
    std::erase_if(m_siblings, [&](const Sibling& s) { return s.child == seq; });
    m_blocks.release(*seq);
}

}  // namespace pagoda

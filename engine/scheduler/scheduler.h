// Decides each step who runs and how many tokens each computes (vLLM v1's model: every
// sequence has numComputedTokens, and a step hands out new tokens from one budget).
// Running sequences go first (decodes and unfinished prefill chunks), then waiting ones;
// a long prompt is chunked over several steps; when blocks run out the newest running
// sequence is preempted and later recomputed (its blocks stay in the prefix cache).
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "engine/cache/block_manager.h"

namespace pagoda {

struct SchedulerConfig {
    int maxNumSeqs = 64;
    int maxNumBatchedTokens = 2048;
};

struct ScheduledSequence {
    Sequence* sequence;
    size_t numNewTokens;
    bool completesPending() const {  // computes its last uncomputed token, so it samples
        return sequence->numComputedTokens + numNewTokens == sequence->tokenIds.size();
    }
};

struct SchedulerOutput {
    std::vector<ScheduledSequence> scheduled;
    size_t numBatchedTokens = 0;
    size_t numPreempted = 0;
    bool empty() const { return scheduled.empty(); }
};

class Scheduler {
public:
    Scheduler(SchedulerConfig config, BlockManager& blocks) : m_config(config), m_blocks(blocks) {}

    void addWaiting(Sequence* seq) { m_waiting.push_back(seq); }
    // A sibling waits for `parent` to finish its prompt, then starts from its blocks.
    void addSibling(Sequence* parent, Sequence* child) { m_siblings.push_back({parent, child}); }
    SchedulerOutput schedule();
    // Removes a finished or aborted sequence and releases its blocks.
    void finish(Sequence* seq);

    size_t numRunning() const { return m_running.size(); }
    size_t numWaiting() const { return m_waiting.size() + m_siblings.size(); }
    bool hasUnfinished() const { return !m_running.empty() || numWaiting() > 0; }
    const std::vector<Sequence*>& running() const { return m_running; }
    uint64_t totalPreemptions() const { return m_totalPreemptions; }

private:
    void preempt(Sequence* seq);
    void admitSiblings();

    SchedulerConfig m_config;
    BlockManager& m_blocks;
    std::vector<Sequence*> m_running;  // in admission order; the back is the newest
    std::deque<Sequence*> m_waiting;
    struct Sibling {
        Sequence* parent;
        Sequence* child;
    };
    std::vector<Sibling> m_siblings;
    uint64_t m_totalPreemptions = 0;
};

}  // namespace pagoda

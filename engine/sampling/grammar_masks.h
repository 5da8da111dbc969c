// Structured output inside the engine loop: gives each constrained sequence its matcher,
// computes the next token masks while the forward pass runs (on one worker thread), applies
// them to the logits before any sampling mode, and moves the matchers on with each sampled
// token. Grammars with the same key share one TokenGrammar, so a schema sent again reuses the
// automaton and the masks already computed.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/common/result.h"
#include "engine/scheduler/scheduler.h"
#include "engine/sequence.h"
#include "engine/structured/grammar_matcher.h"

namespace pagoda {

class Tokenizer;

class GrammarMasks {
public:
    // `tokenizer` may be null: constrained requests are then refused.
    GrammarMasks(const Tokenizer* tokenizer, std::vector<int32_t> eosIds);
    ~GrammarMasks();

    // Gives `seq` a matcher when its parameters ask for structured output.
    Status attach(Sequence& seq);
    // Starts computing the masks of the scheduled sequences that will sample this step.
    void prefetch(const SchedulerOutput& scheduled);
    // Sets every token the grammar forbids to -inf. An error (the grammar outgrew its limits)
    // means the sequence cannot go on.
    Status apply(Sequence& seq, std::span<float> logits);

    enum class Progress { Continue, Complete, Rejected };
    // Moves the matcher past `token`. Complete: the grammar matched and nothing may follow.
    Progress accept(Sequence& seq, int32_t token);

private:
    void work();
    std::shared_ptr<structured::TokenGrammar> tokenGrammar(const structured::StructuredOutput& spec);

    const Tokenizer* m_tokenizer;
    std::vector<int32_t> m_eosIds;
    std::shared_ptr<const structured::TokenVocabulary> m_vocabulary;  // built on first use
    std::deque<std::pair<std::string, std::shared_ptr<structured::TokenGrammar>>> m_recent;

    // Prefetch: the worker computes masks for `m_jobs`; apply() waits for it first.
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::vector<std::shared_ptr<structured::GrammarMatcher>> m_jobs;  // shared: a job may outlive its sequence
    bool m_busy = false;
    bool m_stop = false;
    std::thread m_worker;
};

}  // namespace pagoda

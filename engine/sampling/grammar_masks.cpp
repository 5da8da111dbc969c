#include "engine/sampling/grammar_masks.h"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "engine/tokenizer/tokenizer.h"

namespace pagoda {

namespace {
constexpr size_t kRecentGrammars = 16;
}

GrammarMasks::GrammarMasks(const Tokenizer* tokenizer, std::vector<int32_t> eosIds)
    : m_tokenizer(tokenizer), m_eosIds(std::move(eosIds)) {}

GrammarMasks::~GrammarMasks() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_worker.joinable()) m_worker.join();
}

std::shared_ptr<structured::TokenGrammar> GrammarMasks::tokenGrammar(const structured::StructuredOutput& spec) {
    for (auto it = m_recent.begin(); it != m_recent.end(); ++it)
        if (it->first == spec.key && it->second->grammar().rootRule() == spec.grammar->rootRule()) {
            auto found = it->second;
            m_recent.erase(it);
            m_recent.emplace_front(spec.key, found);
            return found;
        }
    if (!m_vocabulary) m_vocabulary = structured::TokenVocabulary::fromTokenizer(*m_tokenizer, m_eosIds);
    auto made = std::make_shared<structured::TokenGrammar>(spec.grammar, m_vocabulary);
    m_recent.emplace_front(spec.key, made);
    if (m_recent.size() > kRecentGrammars) m_recent.pop_back();
    return made;
}

Status GrammarMasks::attach(Sequence& seq) {
    const auto& spec = seq.params->structuredOutput;
    if (!spec) return Ok{};
    if (!m_tokenizer) return makeError("structured output needs the model's tokenizer, and this engine has none");
    if (!spec->grammar) return makeError("structured output: the request carries no compiled grammar");
    seq.grammar = std::make_shared<structured::GrammarMatcher>(tokenGrammar(*spec));
    seq.grammarWaiting = spec->startsAfterToken.has_value();
    return Ok{};
}

void GrammarMasks::prefetch(const SchedulerOutput& scheduled) {
    std::vector<std::shared_ptr<structured::GrammarMatcher>> jobs;
    for (const auto& s : scheduled.scheduled)
        if (s.completesPending() && s.sequence->grammar && !s.sequence->grammarWaiting)
            jobs.push_back(s.sequence->grammar);
    if (jobs.empty()) return;
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [this] { return !m_busy; });
    if (!m_worker.joinable()) m_worker = std::thread([this] { work(); });
    m_jobs = std::move(jobs);
    m_busy = true;
    m_wake.notify_all();
}

// Computing a mask fills the TokenGrammar's cache, so apply() finds it there; the matcher's
// own state is read, never changed, here.
void GrammarMasks::work() {
    std::unique_lock lock(m_mutex);
    while (true) {
        m_wake.wait(lock, [this] { return m_stop || m_busy; });
        if (m_stop) return;
        const auto jobs = m_jobs;
        lock.unlock();
        for (const auto& matcher : jobs) (void)matcher->nextMask();
        lock.lock();
        m_busy = false;
        m_wake.notify_all();
    }
}

Status GrammarMasks::apply(Sequence& seq, std::span<float> logits) {
    if (!seq.grammar || seq.grammarWaiting) return Ok{};
    {
        std::unique_lock lock(m_mutex);
        m_wake.wait(lock, [this] { return !m_busy; });
    }
    auto mask = seq.grammar->nextMask();
    if (!mask) return mask.error();
    if ((*mask)->count() == 0) return makeError("structured output: the grammar allows no token here");
    const auto& words = (*mask)->words;
    const float minusInf = -std::numeric_limits<float>::infinity();
    // The model's output can be wider than the tokenizer (Qwen pads 151,669 ids to 151,936):
    // ids past the vocabulary mean no text, so a grammar never allows them.
    for (size_t id = words.size() * 32; id < logits.size(); ++id) logits[id] = minusInf;
    for (size_t w = 0; w < words.size(); ++w) {
        const uint32_t allowed = words[w];
        if (allowed == 0xFFFFFFFFu) continue;
        const size_t end = std::min(logits.size(), w * 32 + 32);
        for (size_t id = w * 32; id < end; ++id)
            if (!((allowed >> (id & 31)) & 1u)) logits[id] = minusInf;
    }
    return Ok{};
}

GrammarMasks::Progress GrammarMasks::accept(Sequence& seq, int32_t token) {
    if (!seq.grammar) return Progress::Continue;
    if (seq.grammarWaiting) {
        if (token == *seq.params->structuredOutput->startsAfterToken) seq.grammarWaiting = false;
        return Progress::Continue;
    }
    auto accepted = seq.grammar->acceptToken(token);
    if (!accepted || !*accepted) return Progress::Rejected;
    return seq.grammar->terminated() ? Progress::Complete : Progress::Continue;
}

}  // namespace pagoda

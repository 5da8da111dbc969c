// Runs a compiled grammar against a token vocabulary. A TokenGrammar is the pair plus the
// automaton built lazily from it: sets of parser stacks become numbered states, their byte
// transitions and their token masks are remembered, so a state met before costs a table
// lookup. One TokenGrammar is shared (thread-safe) by every sequence that uses the grammar; a
// GrammarMatcher is one sequence's position in it.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/common/result.h"
#include "engine/structured/compiled_grammar.h"
#include "engine/structured/token_vocabulary.h"

namespace pagoda::structured {

// Allowed tokens, one bit per vocabulary id (bit id % 32 of word id / 32), as xgrammar's bitmask.
struct TokenMask {
    std::vector<uint32_t> words;
    bool allows(int32_t id) const { return (words[size_t(id) >> 5] >> (id & 31)) & 1u; }
    size_t count() const;
};

// Bounds on the lazily built automaton: a grammar whose states outgrow them fails the step
// with an error instead of exhausting memory.
struct AutomatonLimits {
    size_t maxStacks = 4'000'000;
    size_t maxStates = 1'000'000;
    size_t maxCachedMasks = 4096;  // beyond this the oldest masks are dropped and recomputed
    // Parser positions one byte may reach: nested optional repetitions such as
    // ((a{0,10000}){0,10000}) reach millions before a single byte is read.
    size_t maxClosure = 200'000;
};

class TokenGrammar {
public:
    TokenGrammar(std::shared_ptr<const CompiledGrammar> grammar, std::shared_ptr<const TokenVocabulary> vocabulary,
                 AutomatonLimits limits = {});
    ~TokenGrammar();

    const CompiledGrammar& grammar() const { return *m_grammar; }
    const TokenVocabulary& vocabulary() const { return *m_vocabulary; }

    using StateId = int32_t;
    static constexpr StateId kDead = 0;
    StateId initialState();  // kDead when the grammar failed to start: see initialError()
    std::optional<Error> initialError();
    // The state after `bytes`, kDead when the grammar rejects them.
    Result<StateId> advance(StateId state, std::string_view bytes);
    bool accepting(StateId state);  // the text so far is a complete match
    bool terminal(StateId state);   // accepting and nothing may follow
    // The tokens allowed next (eos ids exactly when accepting). Shared, immutable.
    Result<std::shared_ptr<const TokenMask>> mask(StateId state);

private:
    struct Impl;
    std::shared_ptr<const CompiledGrammar> m_grammar;
    std::shared_ptr<const TokenVocabulary> m_vocabulary;
    std::unique_ptr<Impl> m_impl;
    std::mutex m_mutex;
};

// One sequence's progress through a TokenGrammar.
class GrammarMatcher {
public:
    explicit GrammarMatcher(std::shared_ptr<TokenGrammar> grammar);

    // Consumes one token. Returns false (state unchanged) for a token the grammar rejects; an
    // eos id is accepted exactly when the grammar accepts and then ends the match.
    Result<bool> acceptToken(int32_t token);
    Result<std::shared_ptr<const TokenMask>> nextMask();
    bool accepting();        // the output so far is complete
    bool terminated() const { return m_ended; }  // eos was accepted, or nothing may follow
    TokenGrammar& grammar() { return *m_grammar; }

private:
    std::shared_ptr<TokenGrammar> m_grammar;
    TokenGrammar::StateId m_state;
    std::optional<Error> m_failed;  // the grammar could not start
    bool m_ended = false;
};

}  // namespace pagoda::structured

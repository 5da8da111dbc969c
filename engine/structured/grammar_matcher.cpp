#include "engine/structured/grammar_matcher.h"

#include <algorithm>
#include <bit>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "engine/structured/utf8_ranges.h"

namespace pagoda::structured {

size_t TokenMask::count() const {
    size_t n = 0;
    for (uint32_t w : words) n += size_t(std::popcount(w));
    return n;
}

namespace {

using ElementKind = CompiledGrammar::ElementKind;

struct VectorHash {
    size_t operator()(const std::vector<int32_t>& v) const {
        uint64_t h = 0x9E3779B97F4A7C15ull ^ v.size();
        for (int32_t x : v) h = (h ^ uint32_t(x)) * 0x100000001B3ull;
        return size_t(h ^ (h >> 29));
    }
};

}  // namespace

// The automaton, grown on demand. A parser stack is a chain of nodes (element position, parent
// node), interned so equal stacks are one id; a state is the sorted set of stacks whose top is
// a byte set, plus whether the input so far is complete. Equal sets are one state, so the
// lazily built transition table is a DFA over the grammar's reachable configurations.
struct TokenGrammar::Impl {
    const CompiledGrammar& g;
    const TokenVocabulary& vocab;
    AutomatonLimits limits;

    struct Node {
        int32_t pos;
        int32_t parent;  // -1 = bottom of the stack
    };
    std::vector<Node> nodes;
    std::unordered_map<uint64_t, int32_t> nodeIndex;

    struct State {
        std::vector<int32_t> stacks;  // node ids, sorted
        bool accepting = false;
        std::unique_ptr<std::array<StateId, 256>> next;  // -1 = not computed yet
        std::shared_ptr<const TokenMask> mask;
        // Filled before the state's first mask: the ASCII bytes that lead straight back here,
        // and whether every valid multi-byte character does too (with its prefixes alive).
        bool loopsKnown = false;
        bool loopsOnUtf8 = false;
        std::array<uint64_t, 2> loopsOnAscii{0, 0};
    };
    std::vector<State> states;
    std::unordered_map<std::vector<int32_t>, StateId, VectorHash> stateIndex;  // stacks + accepting flag
    std::deque<StateId> maskOrder;                                            // oldest cached mask first
    StateId initial = -1;

    // Scratch for building one transition.
    std::vector<std::pair<int32_t, int32_t>> work;
    std::unordered_set<uint64_t> visited;
    std::vector<int32_t> found;
    bool foundAccepting = false;
    std::vector<StateId> walkStates;

    Impl(const CompiledGrammar& grammar, const TokenVocabulary& vocabulary, AutomatonLimits l)
        : g(grammar), vocab(vocabulary), limits(l) {
        states.push_back({});  // kDead: no stacks, not accepting
        states[0].next = std::make_unique<std::array<StateId, 256>>();
        states[0].next->fill(kDead);
    }

    static uint64_t key(int32_t pos, int32_t parent) { return (uint64_t(uint32_t(pos)) << 32) | uint32_t(parent); }

    Result<int32_t> intern(int32_t pos, int32_t parent) {
        const auto [it, added] = nodeIndex.emplace(key(pos, parent), int32_t(nodes.size()));
        if (added) {
            if (nodes.size() >= limits.maxStacks)
                return makeError(fmt::format("grammar: more than {} parser stacks (the grammar is too ambiguous "
                                             "or the output nests too deeply)",
                                             limits.maxStacks));
            nodes.push_back({pos, parent});
        }
        return it->second;
    }

    // Everything reachable from (pos, parent) without consuming a byte: calls are entered
    // (pushing the caller's continuation unless the call is the alternative's last element),
    // finished alternatives return to their caller.
    Status closure(int32_t pos, int32_t parent) {
        work.clear();
        work.emplace_back(pos, parent);
        const auto& elements = g.elements();
        while (!work.empty()) {
            auto [p, parentNode] = work.back();
            work.pop_back();
            if (!visited.insert(key(p, parentNode)).second) continue;
            if (visited.size() > limits.maxClosure)
                return makeError(fmt::format("grammar: one byte reaches more than {} parser positions (the grammar "
                                             "is too ambiguous, e.g. repetitions of optional repetitions)",
                                             limits.maxClosure));
            const auto& e = elements[size_t(p)];
            switch (e.kind) {
                case ElementKind::Bytes: {
                    auto id = intern(p, parentNode);
                    if (!id) return id.error();
                    found.push_back(*id);
                    break;
                }
                case ElementKind::End:
                    if (parentNode < 0) foundAccepting = true;
                    else work.emplace_back(nodes[size_t(parentNode)].pos, nodes[size_t(parentNode)].parent);
                    break;
                case ElementKind::Call: {
                    int32_t callerParent = parentNode;
                    if (elements[size_t(p) + 1].kind != ElementKind::End) {
                        auto id = intern(p + 1, parentNode);
                        if (!id) return id.error();
                        callerParent = *id;
                    }
                    for (int32_t alt : g.alternatives(e.value)) work.emplace_back(alt, callerParent);
                    break;
                }
            }
        }
        return Ok{};
    }

    void beginSet() {
        found.clear();
        visited.clear();
        foundAccepting = false;
    }

    Result<StateId> finishSet() {
        std::sort(found.begin(), found.end());
        found.erase(std::unique(found.begin(), found.end()), found.end());
        if (found.empty() && !foundAccepting) return kDead;
        found.push_back(foundAccepting ? -2 : -1);
        const auto it = stateIndex.find(found);
        if (it != stateIndex.end()) return it->second;
        if (states.size() >= limits.maxStates)
            return makeError(fmt::format("grammar: more than {} automaton states", limits.maxStates));
        const StateId id = StateId(states.size());
        stateIndex.emplace(found, id);
        found.pop_back();
        states.push_back({found, foundAccepting, nullptr, nullptr});
        return id;
    }

    Result<StateId> initialState() {
        if (initial >= 0) return initial;
        beginSet();
        for (int32_t alt : g.alternatives(g.rootRule()))
            if (auto s = closure(alt, -1); !s) return s.error();
        auto id = finishSet();
        if (id) initial = *id;
        return id;
    }

    Result<StateId> computeStep(StateId from, uint8_t byte) {
        beginSet();
        const auto& elements = g.elements();
        const auto& sets = g.byteSets();
        // Copy: closure may grow `states` (no) but interning grows `nodes`; keep indices only.
        for (int32_t node : states[size_t(from)].stacks) {
            const Node n = nodes[size_t(node)];
            if (!contains(sets[size_t(elements[size_t(n.pos)].value)], byte)) continue;
            if (auto s = closure(n.pos + 1, n.parent); !s) return s.error();
        }
        return finishSet();
    }

    Result<StateId> step(StateId from, uint8_t byte) {
        State& s = states[size_t(from)];
        if (!s.next) {
            s.next = std::make_unique<std::array<StateId, 256>>();
            s.next->fill(-1);
        }
        const StateId known = (*s.next)[byte];
        if (known >= 0) return known;
        auto to = computeStep(from, byte);
        if (!to) return to;
        (*states[size_t(from)].next)[byte] = *to;
        return to;
    }

    Status findSelfLoops(StateId state) {
        std::array<uint64_t, 2> ascii{0, 0};
        for (int b = 0; b < 0x80; ++b) {
            auto to = step(state, uint8_t(b));
            if (!to) return to.error();
            if (*to == state) ascii[size_t(b) >> 6] |= uint64_t(1) << (b & 63);
        }
        // Walk the product of this automaton and UTF-8's (utf8Step) from `state` over every
        // multi-byte character: each must stay alive and end back at `state`.
        struct Pair {
            StateId state;
            int utf8;
        };
        bool loops = true;
        std::vector<Pair> pending, seen;
        const auto visit = [&](StateId to, int utf8) {
            if (to == kDead) return false;
            if (utf8 == 0) return to == state;
            for (const Pair& p : seen)
                if (p.state == to && p.utf8 == utf8) return true;
            if (seen.size() >= 64) return false;  // too varied to be a simple loop
            seen.push_back({to, utf8});
            pending.push_back({to, utf8});
            return true;
        };
        pending.push_back({state, 0});
        while (loops && !pending.empty()) {
            const Pair p = pending.back();
            pending.pop_back();
            for (int b = 0x80; b <= 0xFF && loops; ++b) {
                const int utf8 = utf8Step(p.utf8, uint8_t(b));
                if (utf8 < 0) continue;
                auto to = step(p.state, uint8_t(b));
                if (!to) return to.error();
                loops = visit(*to, utf8);
            }
        }
        State& s = states[size_t(state)];
        s.loopsOnAscii = ascii;
        s.loopsOnUtf8 = loops;
        s.loopsKnown = true;
        return Ok{};
    }

    // One walk over the vocabulary's prefix tree: a subtree is skipped as soon as its
    // prefix leads to the dead state, and taken whole when all its bytes loop back to the
    // mask's own state (the inside of a string, where most of the vocabulary is allowed).
    Result<std::shared_ptr<const TokenMask>> computeMask(StateId state) {
        if (!states[size_t(state)].loopsKnown)
            if (auto found = findSelfLoops(state); !found) return found.error();
        const std::array<uint64_t, 2> loopAscii = states[size_t(state)].loopsOnAscii;
        const bool loopUtf8 = states[size_t(state)].loopsOnUtf8;
        auto mask = std::make_shared<TokenMask>();
        mask->words.assign((vocab.size() + 31) / 32, 0);
        const auto& t = vocab.trie();
        walkStates.assign(t.maxDepth + 1, kDead);
        walkStates[0] = state;
        const int32_t n = int32_t(t.nodeByte.size());
        for (int32_t i = 0; i < n;) {
            const StateId from = walkStates[t.nodeDepth[size_t(i)] - 1];
            if (from == state && (t.subtreeAscii[size_t(i)][0] & ~loopAscii[0]) == 0 &&
                (t.subtreeAscii[size_t(i)][1] & ~loopAscii[1]) == 0 &&
                (!t.subtreeHasNonAscii[size_t(i)] || (loopUtf8 && t.subtreeIsUtf8[size_t(i)]))) {
                const int32_t end = t.subtreeEnd[size_t(i)];
                for (int32_t k = t.tokenBegin[size_t(i)]; k < t.tokenBegin[size_t(end)]; ++k) {
                    const int32_t id = t.tokenIds[size_t(k)];
                    mask->words[size_t(id) >> 5] |= 1u << (id & 31);
                }
                i = end;
                continue;
            }
            StateId to;
            const State& s = states[size_t(from)];
            if (s.next && (*s.next)[t.nodeByte[size_t(i)]] >= 0) {
                to = (*s.next)[t.nodeByte[size_t(i)]];
            } else {
                auto computed = step(from, t.nodeByte[size_t(i)]);
                if (!computed) return computed.error();
                to = *computed;
            }
            if (to == kDead) {
                i = t.subtreeEnd[size_t(i)];
                continue;
            }
            walkStates[t.nodeDepth[size_t(i)]] = to;
            for (int32_t k = t.tokenBegin[size_t(i)]; k < t.tokenBegin[size_t(i) + 1]; ++k) {
                const int32_t id = t.tokenIds[size_t(k)];
                mask->words[size_t(id) >> 5] |= 1u << (id & 31);
            }
            ++i;
        }
        if (states[size_t(state)].accepting)
            for (int32_t id : vocab.eosIds())
                if (id >= 0 && size_t(id) < vocab.size()) mask->words[size_t(id) >> 5] |= 1u << (id & 31);
        return std::shared_ptr<const TokenMask>(std::move(mask));
    }

    Result<std::shared_ptr<const TokenMask>> mask(StateId state) {
        if (auto& cached = states[size_t(state)].mask) return cached;
        auto computed = computeMask(state);
        if (!computed) return computed;
        states[size_t(state)].mask = *computed;
        maskOrder.push_back(state);
        if (maskOrder.size() > limits.maxCachedMasks) {
            states[size_t(maskOrder.front())].mask.reset();
            maskOrder.pop_front();
        }
        return computed;
    }
};

TokenGrammar::TokenGrammar(std::shared_ptr<const CompiledGrammar> grammar,
                           std::shared_ptr<const TokenVocabulary> vocabulary, AutomatonLimits limits)
    : m_grammar(std::move(grammar)),
      m_vocabulary(std::move(vocabulary)),
      m_impl(std::make_unique<Impl>(*m_grammar, *m_vocabulary, limits)) {}

TokenGrammar::~TokenGrammar() = default;

TokenGrammar::StateId TokenGrammar::initialState() {
    std::lock_guard lock(m_mutex);
    auto id = m_impl->initialState();
    return id ? *id : kDead;
}

std::optional<Error> TokenGrammar::initialError() {
    std::lock_guard lock(m_mutex);
    auto id = m_impl->initialState();
    if (id) return std::nullopt;
    return id.error();
}

Result<TokenGrammar::StateId> TokenGrammar::advance(StateId state, std::string_view bytes) {
    std::lock_guard lock(m_mutex);
    for (char c : bytes) {
        if (state == kDead) break;
        auto next = m_impl->step(state, uint8_t(c));
        if (!next) return next;
        state = *next;
    }
    return state;
}

bool TokenGrammar::accepting(StateId state) {
    std::lock_guard lock(m_mutex);
    return m_impl->states[size_t(state)].accepting;
}

bool TokenGrammar::terminal(StateId state) {
    std::lock_guard lock(m_mutex);
    const auto& s = m_impl->states[size_t(state)];
    return s.accepting && s.stacks.empty();
}

Result<std::shared_ptr<const TokenMask>> TokenGrammar::mask(StateId state) {
    std::lock_guard lock(m_mutex);
    return m_impl->mask(state);
}

GrammarMatcher::GrammarMatcher(std::shared_ptr<TokenGrammar> grammar)
    : m_grammar(std::move(grammar)), m_state(m_grammar->initialState()) {
    if (m_state == TokenGrammar::kDead) m_failed = m_grammar->initialError();
}

Result<bool> GrammarMatcher::acceptToken(int32_t token) {
    if (m_ended || token < 0 || size_t(token) >= m_grammar->vocabulary().size()) return false;
    if (m_grammar->vocabulary().isEos(token)) {
        if (!m_grammar->accepting(m_state)) return false;
        m_ended = true;
        return true;
    }
    if (!m_grammar->vocabulary().matchesText(token)) return false;
    auto next = m_grammar->advance(m_state, m_grammar->vocabulary().bytes(token));
    if (!next) return next.error();
    if (*next == TokenGrammar::kDead) return false;
    m_state = *next;
    if (m_grammar->terminal(m_state)) m_ended = true;
    return true;
}

Result<std::shared_ptr<const TokenMask>> GrammarMatcher::nextMask() {
    if (m_failed) return *m_failed;
    return m_grammar->mask(m_state);
}

bool GrammarMatcher::accepting() { return m_grammar->accepting(m_state); }

}  // namespace pagoda::structured

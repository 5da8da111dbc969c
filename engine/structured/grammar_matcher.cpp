#include "engine/structured/grammar_matcher.h"

#include <algorithm>
#include <bit>
#include <deque>
#include <unordered_map>

#include <fmt/format.h>

#include "engine/structured/flat_map.h"
#include "engine/structured/utf8_ranges.h"

namespace pagoda::structured {

size_t TokenMask::count() const {
    size_t n = 0;
    for (uint32_t w : words) n += size_t(std::popcount(w));
    return n;
}

namespace {

using ElementKind = CompiledGrammar::ElementKind;

// A run of states is followed only while its class has this many ASCII bytes (string and
// character-class contents), and for at most this many characters.
constexpr int kMinRunClass = 16;
constexpr size_t kMaxChain = 24;

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
    FlatMap64 nodeIndex;

    struct State {
        std::vector<int32_t> stacks;  // node ids, sorted
        bool accepting = false;
        std::unique_ptr<std::array<StateId, 256>> next;  // -1 = not computed yet
        std::shared_ptr<const TokenMask> mask;
        // The state's character class, found when a mask needs it: `run` is where most ASCII
        // bytes lead, `runAscii` those bytes, `runUtf8` whether every valid multi-byte
        // character leads there too (its prefixes alive). Inside a string this is the next
        // position (or the state itself when the length is unbounded).
        bool runKnown = false;
        StateId run = kDead;
        std::array<uint64_t, 2> runAscii{0, 0};
        bool runUtf8 = false;
    };
    std::vector<State> states;
    std::unordered_map<std::vector<int32_t>, StateId, VectorHash> stateIndex;  // stacks + accepting flag
    std::deque<StateId> maskOrder;                                            // oldest cached mask first
    StateId initial = -1;

    // Scratch for building one transition.
    std::vector<std::pair<int32_t, int32_t>> work;
    FlatSet64 visited;
    std::vector<int32_t> found;
    bool foundAccepting = false;
    std::vector<StateId> walkStates;
    std::vector<int16_t> walkRun;      // per depth: index in `chain` of the walk's state, or -1
    std::vector<int16_t> walkLastRun;  // per depth: the last chain index on the path so far
    // The run of states from a mask's own state (chain[0]) along each state's `run`, and the
    // classes every window of it shares: window(c, h) = classes of chain[c .. c + h) intersected.
    struct ChainClass {
        std::array<uint64_t, 2> ascii{0, 0};
        bool utf8 = false;
    };
    std::vector<StateId> chain;
    bool chainLoops = false;  // chain.back() runs to itself: the chain goes on for ever
    std::vector<std::vector<ChainClass>> windows;  // windows[c][k]: chain[c .. c + k] (k + 1 states)

    Impl(const CompiledGrammar& grammar, const TokenVocabulary& vocabulary, AutomatonLimits l)
        : g(grammar), vocab(vocabulary), limits(l) {
        states.push_back({});  // kDead: no stacks, not accepting
        states[0].next = std::make_unique<std::array<StateId, 256>>();
        states[0].next->fill(kDead);
    }

    static uint64_t key(int32_t pos, int32_t parent) { return (uint64_t(uint32_t(pos)) << 32) | uint32_t(parent); }

    Result<int32_t> intern(int32_t pos, int32_t parent) {
        bool added = false;
        const int32_t id = nodeIndex.findOrInsert(key(pos, parent), int32_t(nodes.size()), added);
        if (added) {
            if (nodes.size() >= limits.maxStacks)
                return makeError(fmt::format("grammar: more than {} parser stacks (the grammar is too ambiguous "
                                             "or the output nests too deeply)",
                                             limits.maxStacks));
            nodes.push_back({pos, parent});
        }
        return id;
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
            if (!visited.insert(key(p, parentNode))) continue;
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
        if (!states[size_t(from)].next)
            if (auto row = computeRow(from); !row) return row.error();
        return (*states[size_t(from)].next)[byte];
    }

    // All 256 transitions of a state at once: bytes that every stack treats alike (the same
    // answer from each stack's byte set) lead to the same state, so each such class of bytes
    // is stepped once.
    Status computeRow(StateId from) {
        const auto& elements = g.elements();
        std::vector<int32_t> sets;
        for (int32_t node : states[size_t(from)].stacks) sets.push_back(elements[size_t(nodes[size_t(node)].pos)].value);
        std::sort(sets.begin(), sets.end());
        sets.erase(std::unique(sets.begin(), sets.end()), sets.end());
        std::array<uint16_t, 256> byteClass{};  // all bytes start in class 0
        std::array<bool, 256> anyStack{};
        std::array<int16_t, 512> renumber;
        for (int32_t set : sets) {
            const ByteSet& members = g.byteSets()[size_t(set)];
            renumber.fill(-1);
            int16_t classes = 0;
            for (int b = 0; b < 256; ++b) {
                const bool in = contains(members, uint8_t(b));
                anyStack[size_t(b)] = anyStack[size_t(b)] || in;
                int16_t& id = renumber[size_t(byteClass[size_t(b)]) * 2 + in];
                if (id < 0) id = classes++;
                byteClass[size_t(b)] = uint16_t(id);
            }
        }
        auto row = std::make_unique<std::array<StateId, 256>>();
        std::array<StateId, 256> classTarget;
        classTarget.fill(-1);
        for (int b = 0; b < 256; ++b) {
            if (!anyStack[size_t(b)]) {
                (*row)[size_t(b)] = kDead;
                continue;
            }
            StateId& target = classTarget[byteClass[size_t(b)]];
            if (target < 0) {
                auto to = computeStep(from, uint8_t(b));
                if (!to) return to.error();
                target = *to;
            }
            (*row)[size_t(b)] = target;
        }
        states[size_t(from)].next = std::move(row);
        return Ok{};
    }

    Status findRun(StateId state) {
        std::array<StateId, 128> to{};
        for (int b = 0; b < 0x80; ++b) {
            auto next = step(state, uint8_t(b));
            if (!next) return next.error();
            to[size_t(b)] = *next;
        }
        // The most common live successor (ties: the first met).
        StateId run = kDead;
        int best = 0;
        for (int b = 0; b < 0x80; ++b) {
            if (to[size_t(b)] == kDead || to[size_t(b)] == run) continue;
            const int count = int(std::count(to.begin(), to.end(), to[size_t(b)]));
            if (count > best) best = count, run = to[size_t(b)];
        }
        std::array<uint64_t, 2> ascii{0, 0};
        for (int b = 0; b < 0x80; ++b)
            if (run != kDead && to[size_t(b)] == run) ascii[size_t(b) >> 6] |= uint64_t(1) << (b & 63);
        bool utf8 = run != kDead && best >= kMinRunClass;
        // Every multi-byte character, through the product of this automaton and UTF-8's
        // (utf8Step): each must stay alive and end at `run`.
        struct Pair {
            StateId state;
            int utf8;
        };
        std::vector<Pair> pending{{state, 0}}, seen;
        const auto visit = [&](StateId next, int u) {
            if (next == kDead) return false;
            if (u == 0) return next == run;
            for (const Pair& p : seen)
                if (p.state == next && p.utf8 == u) return true;
            if (seen.size() >= 64) return false;  // too varied to be one class
            seen.push_back({next, u});
            pending.push_back({next, u});
            return true;
        };
        while (utf8 && !pending.empty()) {
            const Pair p = pending.back();
            pending.pop_back();
            for (int b = 0x80; b <= 0xFF && utf8; ++b) {
                const int u = utf8Step(p.utf8, uint8_t(b));
                if (u < 0) continue;
                auto next = step(p.state, uint8_t(b));
                if (!next) return next.error();
                utf8 = visit(*next, u);
            }
        }
        State& s = states[size_t(state)];
        s.run = run;
        s.runAscii = ascii;
        s.runUtf8 = utf8;
        s.runKnown = true;
        return Ok{};
    }

    // chain[0] = state, then each state's run while its class is wide enough to be worth it.
    Status buildChain(StateId state) {
        chain.assign(1, state);
        chainLoops = false;
        while (true) {
            const StateId last = chain.back();
            if (!states[size_t(last)].runKnown)
                if (auto found = findRun(last); !found) return found;
            const State& s = states[size_t(last)];
            if (std::popcount(s.runAscii[0]) + std::popcount(s.runAscii[1]) < kMinRunClass) break;
            if (s.run == last) {
                chainLoops = true;
                break;
            }
            if (s.run == kDead || chain.size() >= kMaxChain) break;
            chain.push_back(s.run);
        }
        // The last state's own class only counts when it runs to itself; otherwise the chain
        // ends with it and only its arrival is known.
        const size_t classes = chainLoops ? chain.size() : chain.size() - 1;
        windows.assign(classes, {});
        for (size_t c = 0; c < classes; ++c) {
            ChainClass acc{{~uint64_t(0), ~uint64_t(0)}, true};
            for (size_t k = c; k < classes; ++k) {
                const State& s = states[size_t(chain[k])];
                acc.ascii[0] &= s.runAscii[0];
                acc.ascii[1] &= s.runAscii[1];
                acc.utf8 = acc.utf8 && s.runUtf8;
                windows[c].push_back(acc);
            }
        }
        return Ok{};
    }

    // What every character at positions c .. c + h of the chain may be, or null when the chain
    // is shorter than that.
    const ChainClass* window(size_t c, size_t h) const {
        if (c >= windows.size()) return nullptr;
        const size_t available = windows[c].size();
        if (h > available && !chainLoops) return nullptr;
        return &windows[c][std::min(h, available) - 1];
    }

    // One walk over the vocabulary's prefix tree: a subtree is skipped as soon as its
    // prefix leads to the dead state, and taken whole when all its bytes loop back to the
    // mask's own state (the inside of a string, where most of the vocabulary is allowed).
    Result<std::shared_ptr<const TokenMask>> computeMask(StateId state) {
        if (auto built = buildChain(state); !built) return built.error();
        auto mask = std::make_shared<TokenMask>();
        mask->words.assign((vocab.size() + 31) / 32, 0);
        const auto& t = vocab.trie();
        walkStates.assign(t.maxDepth + 1, kDead);
        walkRun.assign(t.maxDepth + 1, -1);
        walkLastRun.assign(t.maxDepth + 1, -1);
        walkStates[0] = state;
        walkRun[0] = walkLastRun[0] = 0;
        const int32_t n = int32_t(t.nodeByte.size());
        for (int32_t i = 0; i < n;) {
            const size_t depth = t.nodeDepth[size_t(i)];
            const StateId from = walkStates[depth - 1];
            if (walkRun[depth - 1] >= 0) {
                // Every path below spells characters of the run's classes: take it whole.
                const ChainClass* allowed = window(size_t(walkRun[depth - 1]), t.subtreeHeight[size_t(i)]);
                if (allowed && (t.subtreeAscii[size_t(i)][0] & ~allowed->ascii[0]) == 0 &&
                    (t.subtreeAscii[size_t(i)][1] & ~allowed->ascii[1]) == 0 &&
                    (!t.subtreeHasNonAscii[size_t(i)] || (allowed->utf8 && t.subtreeIsUtf8[size_t(i)]))) {
                    const int32_t end = t.subtreeEnd[size_t(i)];
                    for (int32_t k = t.tokenBegin[size_t(i)]; k < t.tokenBegin[size_t(end)]; ++k) {
                        const int32_t id = t.tokenIds[size_t(k)];
                        mask->words[size_t(id) >> 5] |= 1u << (id & 31);
                    }
                    i = end;
                    continue;
                }
            }
            StateId to;
            if (const State& s = states[size_t(from)]; s.next) {
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
            walkStates[depth] = to;
            // Follow where the path is on the chain: a whole character of the run's class
            // moves one state along it; the bytes inside a character are on no chain state.
            const int16_t last = walkLastRun[depth - 1];
            int16_t here = -1;
            if (last >= 0) {
                if (size_t(last) + 1 < chain.size() && chain[size_t(last) + 1] == to) here = int16_t(last + 1);
                else if (chainLoops && size_t(last) + 1 >= chain.size() && chain.back() == to) here = last;
            }
            walkRun[depth] = here;
            walkLastRun[depth] = here >= 0 ? here : last;
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

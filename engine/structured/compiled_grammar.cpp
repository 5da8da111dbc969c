#include "engine/structured/compiled_grammar.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "engine/structured/utf8_ranges.h"

namespace pagoda::structured {

namespace {

using Element = CompiledGrammar::Element;
using ElementKind = CompiledGrammar::ElementKind;

ByteSet singleByte(uint8_t b) {
    ByteSet set{};
    set[b >> 6] |= uint64_t(1) << (b & 63);
    return set;
}

ByteSet byteRange(uint8_t lo, uint8_t hi) {
    ByteSet set{};
    for (int b = lo; b <= hi; ++b) set[size_t(b) >> 6] |= uint64_t(1) << (b & 63);
    return set;
}

}  // namespace

// Lowers the expression tree rule by rule. Anonymous rules (choices inside sequences,
// repetitions, multi-byte character classes) are appended as they are met and named after
// the rule they came from, so errors can still point at the user's rule.
class GrammarCompiler {
public:
    GrammarCompiler(const Grammar& grammar, GrammarLimits limits) : m_grammar(grammar), m_limits(limits) {}

    Result<std::shared_ptr<const CompiledGrammar>> run() {
        m_out = std::make_shared<CompiledGrammar>();
        for (const Rule& rule : m_grammar.rules) {
            if (rule.name.empty()) return makeError("grammar: a rule has an empty name");
            if (!m_ruleIndex.emplace(rule.name, int32_t(m_ruleIndex.size())).second)
                return makeError(fmt::format("grammar: rule '{}' is defined twice", rule.name));
            m_out->m_ruleNames.push_back(rule.name);
            m_out->m_alternatives.emplace_back();
        }
        const auto root = m_ruleIndex.find(m_grammar.root);
        if (root == m_ruleIndex.end())
            return makeError(fmt::format("grammar: the root rule '{}' is not defined", m_grammar.root));
        m_out->m_root = root->second;
        for (size_t i = 0; i < m_grammar.rules.size(); ++i) {
            m_currentRule = m_grammar.rules[i].name;
            if (auto s = lowerRuleBody(int32_t(i), m_grammar.rules[i].body); !s) return s.error();
        }
        if (auto s = checkLeftRecursion(); !s) return s.error();
        return std::shared_ptr<const CompiledGrammar>(std::move(m_out));
    }

private:
    Status lowerRuleBody(int32_t rule, const Expr& body) {
        if (body.kind == Expr::Kind::Choice) {
            for (const Expr& item : body.items)
                if (auto s = addAlternative(rule, item); !s) return s;
            return Ok{};
        }
        return addAlternative(rule, body);
    }

    // Elements of one alternative are collected first: lowering may append other rules'
    // alternatives to the element array meanwhile.
    Status addAlternative(int32_t rule, const Expr& expr) {
        std::vector<Element> elements;
        if (auto s = lower(expr, elements); !s) return s;
        return commitAlternative(rule, elements);
    }

    Status commitAlternative(int32_t rule, std::vector<Element>& elements) {
        elements.push_back({ElementKind::End, 0});
        if (m_out->m_elements.size() + elements.size() > m_limits.maxElements)
            return makeError(fmt::format("grammar: rule '{}' makes the grammar larger than {} elements (a repetition "
                                         "count or an enumeration too large?)",
                                         m_currentRule, m_limits.maxElements));
        m_out->m_alternatives[size_t(rule)].push_back(int32_t(m_out->m_elements.size()));
        m_out->m_elements.insert(m_out->m_elements.end(), elements.begin(), elements.end());
        return Ok{};
    }

    Result<int32_t> newRule(const char* what) {
        if (m_out->m_alternatives.size() >= m_limits.maxRules)
            return makeError(fmt::format("grammar: rule '{}' makes the grammar larger than {} rules", m_currentRule,
                                         m_limits.maxRules));
        m_out->m_ruleNames.push_back(fmt::format("{}/{}{}", m_currentRule, what, m_out->m_alternatives.size()));
        m_out->m_alternatives.emplace_back();
        return int32_t(m_out->m_alternatives.size() - 1);
    }

    int32_t byteSetIndex(const ByteSet& set) {
        const auto [it, added] = m_byteSetIndex.emplace(set, int32_t(m_out->m_byteSets.size()));
        if (added) m_out->m_byteSets.push_back(set);
        return it->second;
    }

    Status lower(const Expr& expr, std::vector<Element>& out) {
        switch (expr.kind) {
            case Expr::Kind::Literal:
                for (char c : expr.text) out.push_back({ElementKind::Bytes, byteSetIndex(singleByte(uint8_t(c)))});
                return Ok{};
            case Expr::Kind::CharClass: return lowerCharClass(expr, out);
            case Expr::Kind::RuleRef: {
                const auto it = m_ruleIndex.find(expr.text);
                if (it == m_ruleIndex.end())
                    return makeError(fmt::format("grammar: rule '{}' refers to '{}', which is not defined",
                                                 m_currentRule, expr.text));
                out.push_back({ElementKind::Call, it->second});
                return Ok{};
            }
            case Expr::Kind::Sequence:
                for (const Expr& item : expr.items)
                    if (auto s = lower(item, out); !s) return s;
                return Ok{};
            case Expr::Kind::Choice: {
                if (expr.items.size() == 1) return lower(expr.items[0], out);
                auto rule = newRule("choice");
                if (!rule) return rule.error();
                for (const Expr& item : expr.items)
                    if (auto s = addAlternative(*rule, item); !s) return s;
                out.push_back({ElementKind::Call, *rule});
                return Ok{};
            }
            case Expr::Kind::Repeat: return lowerRepeat(expr, out);
        }
        return Ok{};
    }

    // One code point of the class: single-byte sets inline, otherwise a rule whose
    // alternatives are the UTF-8 byte-range sequences (shared by identical classes).
    Status lowerCharClass(const Expr& expr, std::vector<Element>& out) {
        const std::vector<CodepointRange> ranges = normalizeClass(expr.ranges, expr.negated);
        if (ranges.empty()) {  // matches nothing: a call of a rule without alternatives
            auto rule = newRule("empty-class");
            if (!rule) return rule.error();
            out.push_back({ElementKind::Call, *rule});
            return Ok{};
        }
        if (ranges.back().last < 0x80) {
            ByteSet set{};
            for (const CodepointRange& r : ranges) {
                const ByteSet part = byteRange(uint8_t(r.first), uint8_t(r.last));
                for (size_t i = 0; i < 4; ++i) set[i] |= part[i];
            }
            out.push_back({ElementKind::Bytes, byteSetIndex(set)});
            return Ok{};
        }
        std::vector<char32_t> key;
        for (const CodepointRange& r : ranges) key.insert(key.end(), {r.first, r.last});
        if (const auto it = m_classRules.find(key); it != m_classRules.end()) {
            out.push_back({ElementKind::Call, it->second});
            return Ok{};
        }
        auto rule = newRule("class");
        if (!rule) return rule.error();
        ByteSet ascii{};
        bool hasAscii = false;
        for (const Utf8Sequence& seq : utf8Sequences(ranges)) {
            if (seq.length == 1) {
                const ByteSet part = byteRange(seq.ranges[0].first, seq.ranges[0].second);
                for (size_t i = 0; i < 4; ++i) ascii[i] |= part[i];
                hasAscii = true;
                continue;
            }
            std::vector<Element> elements;
            for (int i = 0; i < seq.length; ++i)
                elements.push_back({ElementKind::Bytes, byteSetIndex(byteRange(seq.ranges[i].first, seq.ranges[i].second))});
            if (auto s = commitAlternative(*rule, elements); !s) return s;
        }
        if (hasAscii) {
            std::vector<Element> elements{{ElementKind::Bytes, byteSetIndex(ascii)}};
            if (auto s = commitAlternative(*rule, elements); !s) return s;
        }
        m_classRules.emplace(std::move(key), *rule);
        out.push_back({ElementKind::Call, *rule});
        return Ok{};
    }

    // x{min,max}: min copies of x, then either a loop rule (max unbounded) or a chain of
    // nested optionals, so no repetition ever needs a counter at match time.
    Status lowerRepeat(const Expr& expr, std::vector<Element>& out) {
        const Expr& item = expr.items.at(0);
        if (expr.minRepeat < 0 || (expr.maxRepeat >= 0 && expr.maxRepeat < expr.minRepeat))
            return makeError(fmt::format("grammar: rule '{}' has a repetition {{{},{}}} with bounds out of order",
                                         m_currentRule, expr.minRepeat, expr.maxRepeat));
        if (expr.maxRepeat == 0) return Ok{};
        // The repeated item as one element: a byte set stays inline, anything else is called.
        std::vector<Element> unit;
        if (auto s = lower(item, unit); !s) return s;
        if (unit.size() != 1 || unit[0].kind == ElementKind::End) {
            auto rule = newRule("item");
            if (!rule) return rule.error();
            if (auto s = commitAlternative(*rule, unit); !s) return s;
            unit = {{ElementKind::Call, *rule}};
        }
        const size_t total = size_t(expr.minRepeat) + (expr.maxRepeat < 0 ? 1 : size_t(expr.maxRepeat - expr.minRepeat));
        if (out.size() + m_out->m_elements.size() + total > m_limits.maxElements)
            return makeError(fmt::format("grammar: rule '{}' repeats an item {} times, more than the grammar's limit",
                                         m_currentRule, total));
        for (int i = 0; i < expr.minRepeat; ++i) out.push_back(unit[0]);
        if (expr.maxRepeat < 0) {
            auto loop = newRule("star");
            if (!loop) return loop.error();
            std::vector<Element> again{unit[0], {ElementKind::Call, *loop}};
            std::vector<Element> done;
            if (auto s = commitAlternative(*loop, again); !s) return s;
            if (auto s = commitAlternative(*loop, done); !s) return s;
            out.push_back({ElementKind::Call, *loop});
            return Ok{};
        }
        int32_t tail = -1;  // optional(x optional(x ...)), built from the innermost out
        for (int i = expr.minRepeat; i < expr.maxRepeat; ++i) {
            auto opt = newRule("opt");
            if (!opt) return opt.error();
            std::vector<Element> some{unit[0]};
            if (tail >= 0) some.push_back({ElementKind::Call, tail});
            std::vector<Element> none;
            if (auto s = commitAlternative(*opt, some); !s) return s;
            if (auto s = commitAlternative(*opt, none); !s) return s;
            tail = *opt;
        }
        if (tail >= 0) out.push_back({ElementKind::Call, tail});
        return Ok{};
    }

    // A rule that can reach itself before consuming a byte, with something left to match
    // after the inner call, would make the matcher's stacks grow without bound.
    Status checkLeftRecursion() {
        const CompiledGrammar& g = *m_out;
        const size_t n = g.numRules();
        std::vector<char> nullable(n, 0);
        for (bool changed = true; changed;) {
            changed = false;
            for (size_t r = 0; r < n; ++r) {
                if (nullable[r]) continue;
                for (int32_t pos : g.m_alternatives[r]) {
                    bool all = true;
                    for (; g.m_elements[size_t(pos)].kind != ElementKind::End; ++pos) {
                        const Element& e = g.m_elements[size_t(pos)];
                        if (e.kind == ElementKind::Bytes || !nullable[size_t(e.value)]) {
                            all = false;
                            break;
                        }
                    }
                    if (all) {
                        nullable[r] = changed = true;
                        break;
                    }
                }
            }
        }
        struct Edge {
            int32_t to;
            bool grows;
        };
        std::vector<std::vector<Edge>> edges(n);
        for (size_t r = 0; r < n; ++r)
            for (int32_t pos : g.m_alternatives[r])
                for (; g.m_elements[size_t(pos)].kind == ElementKind::Call; ++pos) {
                    const int32_t callee = g.m_elements[size_t(pos)].value;
                    edges[r].push_back({callee, g.m_elements[size_t(pos) + 1].kind != ElementKind::End});
                    if (!nullable[size_t(callee)]) break;
                }
        // Tarjan's strongly connected components, iteratively; a growing edge inside one
        // component is left recursion.
        std::vector<int32_t> index(n, -1), low(n, 0), component(n, -1), stack;
        std::vector<char> onStack(n, 0);
        int32_t counter = 0, components = 0;
        struct Frame {
            int32_t rule;
            size_t edge;
        };
        for (size_t start = 0; start < n; ++start) {
            if (index[start] >= 0) continue;
            std::vector<Frame> frames{{int32_t(start), 0}};
            index[start] = low[start] = counter++;
            stack.push_back(int32_t(start));
            onStack[start] = 1;
            while (!frames.empty()) {
                Frame& f = frames.back();
                const size_t r = size_t(f.rule);
                if (f.edge < edges[r].size()) {
                    const size_t to = size_t(edges[r][f.edge++].to);
                    if (index[to] < 0) {
                        index[to] = low[to] = counter++;
                        stack.push_back(int32_t(to));
                        onStack[to] = 1;
                        frames.push_back({int32_t(to), 0});
                    } else if (onStack[to]) {
                        low[r] = std::min(low[r], index[to]);
                    }
                    continue;
                }
                if (low[r] == index[r]) {
                    for (int32_t w = -1; w != int32_t(r);) {
                        w = stack.back();
                        stack.pop_back();
                        onStack[size_t(w)] = 0;
                        component[size_t(w)] = components;
                    }
                    ++components;
                }
                frames.pop_back();
                if (!frames.empty()) low[size_t(frames.back().rule)] = std::min(low[size_t(frames.back().rule)], low[r]);
            }
        }
        for (size_t r = 0; r < n; ++r)
            for (const Edge& e : edges[r])
                if (e.grows && component[r] == component[size_t(e.to)])
                    return makeError(fmt::format("grammar: rule '{}' is left-recursive (it can reach '{}' again "
                                                 "before matching any text); rewrite it with repetition",
                                                 g.m_ruleNames[r], g.m_ruleNames[size_t(e.to)]));
        return Ok{};
    }

    const Grammar& m_grammar;
    GrammarLimits m_limits;
    std::shared_ptr<CompiledGrammar> m_out;
    std::unordered_map<std::string, int32_t> m_ruleIndex;
    std::map<ByteSet, int32_t> m_byteSetIndex;
    std::map<std::vector<char32_t>, int32_t> m_classRules;
    std::string m_currentRule;
};

Result<std::shared_ptr<const CompiledGrammar>> compileGrammar(const Grammar& grammar, GrammarLimits limits) {
    return GrammarCompiler(grammar, limits).run();
}

}  // namespace pagoda::structured

// A Grammar lowered to a byte-level pushdown automaton: every rule a list of alternatives,
// every alternative a run of elements (a set of bytes, or a call of another rule) ending in
// End. Code points become their UTF-8 byte sequences, repetition becomes rules, so the matcher
// only ever steps one byte. Compiling checks what would make matching misbehave: unknown or
// duplicate rule names, left recursion, and size beyond the limits below.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/common/result.h"
#include "engine/structured/grammar.h"

namespace pagoda::structured {

// Bounds that keep a hostile grammar (huge repetition counts, enormous enums) from taking
// unbounded memory or time: compiling past them is an error that says which.
struct GrammarLimits {
    size_t maxElements = 4'000'000;
    size_t maxRules = 500'000;
};

using ByteSet = std::array<uint64_t, 4>;

inline bool contains(const ByteSet& set, uint8_t byte) { return (set[byte >> 6] >> (byte & 63)) & 1; }

class CompiledGrammar {
public:
    enum class ElementKind : uint8_t { Bytes, Call, End };
    struct Element {
        ElementKind kind = ElementKind::End;
        int32_t value = 0;  // Bytes: index into byteSets(); Call: rule index
    };

    // Element positions where each alternative of a rule starts.
    const std::vector<int32_t>& alternatives(int32_t rule) const { return m_alternatives[size_t(rule)]; }
    const std::vector<Element>& elements() const { return m_elements; }
    const std::vector<ByteSet>& byteSets() const { return m_byteSets; }
    int32_t rootRule() const { return m_root; }
    size_t numRules() const { return m_alternatives.size(); }
    const std::string& ruleName(int32_t rule) const { return m_ruleNames[size_t(rule)]; }

private:
    friend class GrammarCompiler;
    std::vector<std::vector<int32_t>> m_alternatives;
    std::vector<std::string> m_ruleNames;
    std::vector<Element> m_elements;
    std::vector<ByteSet> m_byteSets;
    int32_t m_root = 0;
};

Result<std::shared_ptr<const CompiledGrammar>> compileGrammar(const Grammar& grammar, GrammarLimits limits = {});

}  // namespace pagoda::structured

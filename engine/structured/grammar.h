// A context-free grammar over UTF-8 text, as every front end produces it: JSON Schema, regular
// expressions, a choice of strings and GBNF all become named rules whose bodies are
// expressions. compileGrammar (compiled_grammar.h) turns it into the byte-level automaton the
// matcher runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pagoda::structured {

struct CodepointRange {
    char32_t first = 0;
    char32_t last = 0;  // inclusive
};

struct Expr {
    enum class Kind {
        Literal,    // `text`, exact bytes (usually UTF-8)
        CharClass,  // one code point in `ranges` (or, if `negated`, any code point not in them)
        RuleRef,    // the rule named `text`
        Sequence,   // `items` one after another; no items = the empty string
        Choice,     // one of `items`; no items = matches nothing
        Repeat,     // `items[0]` between minRepeat and maxRepeat times (maxRepeat < 0: unbounded)
    };

    Kind kind = Kind::Sequence;
    std::string text;
    std::vector<CodepointRange> ranges;
    bool negated = false;
    std::vector<Expr> items;
    int minRepeat = 0;
    int maxRepeat = -1;

    static Expr literal(std::string bytes);
    static Expr charClass(std::vector<CodepointRange> ranges, bool negated = false);
    static Expr anyChar();  // any code point (regex `.` with DOTALL)
    static Expr ref(std::string ruleName);
    static Expr sequence(std::vector<Expr> items);
    static Expr choice(std::vector<Expr> items);
    static Expr repeat(Expr item, int minRepeat, int maxRepeat);
    static Expr optional(Expr item) { return repeat(std::move(item), 0, 1); }
    static Expr star(Expr item) { return repeat(std::move(item), 0, -1); }
    static Expr plus(Expr item) { return repeat(std::move(item), 1, -1); }
    static Expr empty() { return sequence({}); }
};

struct Rule {
    std::string name;
    Expr body;
};

struct Grammar {
    std::vector<Rule> rules;
    std::string root;  // the rule a whole output must match

    const Rule* find(const std::string& name) const;
    // Adds a rule; a name already in use is an error the compiler reports.
    void add(std::string name, Expr body) { rules.push_back({std::move(name), std::move(body)}); }
};

// GBNF text for the grammar (llama.cpp's syntax), for error messages, logs and tests.
std::string toGbnf(const Grammar& grammar);

}  // namespace pagoda::structured

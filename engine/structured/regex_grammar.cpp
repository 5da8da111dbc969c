#include "engine/structured/regex_grammar.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/common/utf8.h"
#include "engine/structured/char_sets.h"
#include "engine/structured/expr_builders.h"

namespace pagoda::structured {

namespace {

constexpr int kMaxGroupDepth = 256;  // deeper nesting would only exhaust the stack

// Thrown inside the parser, caught in regexToExpr: recursive descent unwinds in one step.
struct RegexError {
    std::string message;
};

[[noreturn]] void fail(std::string message) { throw RegexError{"regex: " + std::move(message)}; }

[[noreturn]] void unsupported(std::string_view construct, size_t offset, std::string_view hint = {}) {
    fail(fmt::format("{} at offset {} is not supported{}", construct, offset, hint));
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

Expr literalOf(char32_t c) {
    std::string text;
    appendUtf8(text, c);
    return Expr::literal(std::move(text));
}

// What one item inside [...] stands for: a single code point (which may start a range) or a
// set such as \d.
struct ClassTerm {
    bool single = true;
    char32_t codepoint = 0;
    CodepointRanges set;
};

struct Quantifier {
    int min = 0;
    int max = -1;
};

class RegexParser {
public:
    explicit RegexParser(std::string_view pattern) : m_pattern(pattern) {}

    Expr parse(RegexMatch match) {
        std::vector<Alternative> alternatives;
        for (;;) {
            alternatives.push_back(parseAlternative(true));
            if (atEnd()) break;
            if (peek() == '|') {
                ++m_pos;
                continue;
            }
            fail(fmt::format("unbalanced ')' at offset {}: no group is open", m_pos));
        }
        if (match == RegexMatch::Whole) {
            std::vector<Expr> bodies;
            for (Alternative& a : alternatives) bodies.push_back(std::move(a.body));
            return simpleChoice(std::move(bodies));
        }
        return searchExpr(std::move(alternatives));
    }

private:
    struct Alternative {
        Expr body;
        bool anchoredStart = false;
        bool anchoredEnd = false;
    };

    // ECMA-262 search: an unanchored side may have any text (newlines too) next to the match.
    static Expr searchExpr(std::vector<Alternative> alternatives) {
        auto padded = [](Expr body, bool anchoredStart, bool anchoredEnd) {
            std::vector<Expr> parts;
            if (!anchoredStart) parts.push_back(Expr::star(Expr::anyChar()));
            parts.push_back(std::move(body));
            if (!anchoredEnd) parts.push_back(Expr::star(Expr::anyChar()));
            return simpleSequence(std::move(parts));
        };
        bool uniform = true;
        for (const Alternative& a : alternatives) {
            uniform = uniform && a.anchoredStart == alternatives[0].anchoredStart &&
                      a.anchoredEnd == alternatives[0].anchoredEnd;
        }
        if (uniform) {
            const bool start = alternatives[0].anchoredStart, end = alternatives[0].anchoredEnd;
            std::vector<Expr> bodies;
            for (Alternative& a : alternatives) bodies.push_back(std::move(a.body));
            return padded(simpleChoice(std::move(bodies)), start, end);
        }
        std::vector<Expr> each;
        for (Alternative& a : alternatives) each.push_back(padded(std::move(a.body), a.anchoredStart, a.anchoredEnd));
        return simpleChoice(std::move(each));
    }

    bool atEnd() const { return m_pos >= m_pattern.size(); }
    char peek(size_t ahead = 0) const {
        return m_pos + ahead < m_pattern.size() ? m_pattern[m_pos + ahead] : '\0';
    }
    bool lookingAt(std::string_view s) const { return m_pattern.substr(m_pos).starts_with(s); }

    // A sequence of quantified atoms up to '|', ')' or the end. Only top-level alternatives
    // may carry anchors, and only at their edges: elsewhere ^ and $ are assertions a grammar
    // cannot express.
    Alternative parseAlternative(bool topLevel) {
        Alternative alternative;
        std::vector<Expr> items;
        while (!atEnd() && peek() != '|' && peek() != ')') {
            const size_t at = m_pos;
            if (peek() == '^') {
                if (!topLevel || !items.empty())
                    unsupported("anchor '^'", at, " (only at the start of the pattern or of a top-level alternative)");
                ++m_pos;
                alternative.anchoredStart = true;
                rejectQuantifierAfter("an anchor");
                continue;
            }
            if (peek() == '$') {
                while (peek() == '$') ++m_pos;
                if (!topLevel || !(atEnd() || peek() == '|'))
                    unsupported("anchor '$'", at, " (only at the end of the pattern or of a top-level alternative)");
                alternative.anchoredEnd = true;
                rejectQuantifierAfter("an anchor");
                continue;
            }
            Expr atom = parseAtom();
            if (std::optional<Quantifier> q = parseQuantifier()) {
                atom = simpleRepeat(std::move(atom), q->min, q->max);
                rejectQuantifierAfter("another quantifier");
            }
            items.push_back(std::move(atom));
        }
        alternative.body = simpleSequence(std::move(items));
        return alternative;
    }

    void rejectQuantifierAfter(std::string_view what) {
        const size_t at = m_pos;
        const char c = peek();
        if (c == '*' || c == '+' || c == '?' || (c == '{' && bracesQuantifierAt(m_pos)))
            fail(fmt::format("quantifier '{}' at offset {} has nothing to repeat (it follows {})", c, at, what));
    }

    Expr parseAlternation() {
        std::vector<Expr> alternatives{parseAlternative(false).body};
        while (peek() == '|') {
            ++m_pos;
            alternatives.push_back(parseAlternative(false).body);
        }
        return simpleChoice(std::move(alternatives));
    }

    Expr parseAtom() {
        const size_t at = m_pos;
        switch (peek()) {
        case '(':
            return parseGroup();
        case '[':
            return parseClass();
        case '.':
            ++m_pos;
            return Expr::charClass(ecmaLineTerminators(), true);
        case '\\':
            return parseAtomEscape();
        case '*':
        case '+':
        case '?':
            fail(fmt::format("quantifier '{}' at offset {} has nothing to repeat", peek(), at));
        case '{':
            if (bracesQuantifierAt(m_pos)) fail(fmt::format("quantifier '{{' at offset {} has nothing to repeat", at));
            break;  // not a quantifier: a literal '{', as in ECMAScript (Annex B) and Python
        default:
            break;
        }
        return literalOf(decodeCodepointAt(m_pattern, m_pos));
    }

    // *, +, ?, {n}, {n,}, {n,m}, each optionally lazy (same language); nothing if none here.
    std::optional<Quantifier> parseQuantifier() {
        const size_t at = m_pos;
        Quantifier q;
        switch (peek()) {
        case '*':
            q = {0, -1};
            ++m_pos;
            break;
        case '+':
            q = {1, -1};
            ++m_pos;
            break;
        case '?':
            q = {0, 1};
            ++m_pos;
            break;
        case '{': {
            std::optional<Quantifier> braces = bracesQuantifierAt(m_pos, &m_pos);
            if (!braces) return std::nullopt;
            q = *braces;
            break;
        }
        default:
            return std::nullopt;
        }
        if (peek() == '?') {
            ++m_pos;
        } else if (peek() == '+') {
            // Possessive (Python 3.11): never gives back, so a*+a matches nothing; not regular.
            unsupported(fmt::format("possessive quantifier '{}'", m_pattern.substr(at, m_pos + 1 - at)), at);
        }
        return q;
    }

    // The {n}, {n,} or {n,m} quantifier at `at`, or nothing when the brace is a literal.
    std::optional<Quantifier> bracesQuantifierAt(size_t at, size_t* end = nullptr) const {
        size_t i = at + 1;
        auto number = [&](long& value) {
            const size_t start = i;
            value = 0;
            while (i < m_pattern.size() && isDigit(m_pattern[i])) {
                value = std::min(value * 10 + (m_pattern[i] - '0'), 1'000'000'000L);
                ++i;
            }
            return i > start;
        };
        long min = 0, max = 0;
        if (!number(min)) {
            long ignored = 0;
            if (i < m_pattern.size() && m_pattern[i] == ',' && (++i, number(ignored)) && i < m_pattern.size() &&
                m_pattern[i] == '}')
                fail(fmt::format("quantifier '{}' at offset {} is ambiguous (a literal in ECMAScript, {{0,{}}} in "
                                 "Python); write {{0,{}}} or escape the brace",
                                 m_pattern.substr(at, i + 1 - at), at, ignored, ignored));
            return std::nullopt;
        }
        bool unbounded = false;
        if (i < m_pattern.size() && m_pattern[i] == ',') {
            ++i;
            unbounded = !number(max);
        } else {
            max = min;
        }
        if (i >= m_pattern.size() || m_pattern[i] != '}') return std::nullopt;
        const std::string_view text = m_pattern.substr(at, i + 1 - at);
        for (long count : {min, max}) {
            if (count > kMaxRegexRepeat)
                fail(fmt::format("repetition count in '{}' at offset {} is above the limit of {}", text, at,
                                 kMaxRegexRepeat));
        }
        if (!unbounded && min > max)
            fail(fmt::format("quantifier '{}' at offset {} has its numbers out of order", text, at));
        if (end) *end = i + 1;
        return Quantifier{int(min), unbounded ? -1 : int(max)};
    }

    Expr parseGroup() {
        const size_t open = m_pos;
        if (++m_depth > kMaxGroupDepth)
            fail(fmt::format("group at offset {} is nested more than {} deep", open, kMaxGroupDepth));
        if (lookingAt("(?")) {
            skipGroupPrefix(open);
        } else {
            ++m_pos;
        }
        Expr body = parseAlternation();
        if (peek() != ')')
            fail(fmt::format("group '(' opened at offset {} is never closed (expected ')' at offset {})", open, m_pos));
        ++m_pos;
        --m_depth;
        return body;
    }

    // After "(?": the group kinds that only group, and errors naming the ones that assert.
    void skipGroupPrefix(size_t open) {
        static constexpr std::pair<std::string_view, std::string_view> kUnsupported[] = {
            {"(?=", "lookahead"},           {"(?!", "negative lookahead"}, {"(?<=", "lookbehind"},
            {"(?<!", "negative lookbehind"}, {"(?P=", "backreference"},     {"(?P>", "recursion"},
            {"(?>", "atomic group"},        {"(?#", "comment group"},      {"(?(", "conditional group"},
        };
        for (const auto& [prefix, name] : kUnsupported) {
            if (lookingAt(prefix)) unsupported(fmt::format("{} '{}'", name, prefix), open);
        }
        if (lookingAt("(?:")) {
            m_pos += 3;
            return;
        }
        if (lookingAt("(?<") || lookingAt("(?P<")) {
            m_pos += lookingAt("(?<") ? 3 : 4;
            const size_t nameAt = m_pos;
            while (!atEnd() && (isAsciiLetter(peek()) || isDigit(peek()) || peek() == '_')) ++m_pos;
            if (m_pos == nameAt || isDigit(m_pattern[nameAt]) || peek() != '>')
                fail(fmt::format("group name at offset {} is malformed (expected a name such as (?<year>...))",
                                 nameAt));
            ++m_pos;
            return;
        }
        size_t flagsEnd = m_pos + 2;
        while (flagsEnd < m_pattern.size() && (isAsciiLetter(m_pattern[flagsEnd]) || m_pattern[flagsEnd] == '-'))
            ++flagsEnd;
        if (flagsEnd > m_pos + 2)
            unsupported(fmt::format("inline flag group '{}'", m_pattern.substr(m_pos, flagsEnd - m_pos)), open);
        fail(fmt::format("group syntax '{}' at offset {} is unknown (expected '(?:', '(?<name>' or '(?P<name>')",
                         m_pattern.substr(m_pos, 3), open));
    }

    Expr parseClass() {
        m_classOpen = m_pos++;
        bool negated = false;
        if (peek() == '^') {
            negated = true;
            ++m_pos;
        }
        CodepointRanges set;
        for (;;) {
            if (atEnd()) failUnclosedClass();
            if (peek() == ']') {
                ++m_pos;
                break;
            }
            const size_t termAt = m_pos;
            ClassTerm first = parseClassTerm();
            if (peek() == '-' && m_pos + 1 < m_pattern.size() && peek(1) != ']') {
                ++m_pos;
                ClassTerm last = parseClassTerm();
                const std::string_view text = m_pattern.substr(termAt, m_pos - termAt);
                if (!first.single || !last.single)
                    fail(fmt::format("range '{}' at offset {} has a class such as \\d as an end (expected single "
                                     "characters, or escape the '-')",
                                     text, termAt));
                if (first.codepoint > last.codepoint)
                    fail(fmt::format("range '{}' at offset {} is out of order", text, termAt));
                set.push_back({first.codepoint, last.codepoint});
            } else if (first.single) {
                set.push_back({first.codepoint, first.codepoint});
            } else {
                set.insert(set.end(), first.set.begin(), first.set.end());
            }
        }
        // [] matches nothing and [^] any character, as in ECMAScript.
        return Expr::charClass(normalizedRanges(std::move(set)), negated);
    }

    [[noreturn]] void failUnclosedClass() const {
        fail(fmt::format("character class '[' opened at offset {} is never closed (expected ']')", m_classOpen));
    }

    ClassTerm parseClassTerm() {
        if (atEnd()) failUnclosedClass();
        if (peek() != '\\') return ClassTerm{true, decodeCodepointAt(m_pattern, m_pos), {}};
        const size_t at = m_pos++;
        if (atEnd()) failUnclosedClass();
        const char e = peek();
        if (e == 'b') {  // backspace inside a class
            ++m_pos;
            return ClassTerm{true, 0x08, {}};
        }
        if (e == '-') {
            ++m_pos;
            return ClassTerm{true, '-', {}};
        }
        if (std::optional<CodepointRanges> set = parseSetEscape(at)) return ClassTerm{false, 0, std::move(*set)};
        return ClassTerm{true, parseCharEscape(at), {}};
    }

    Expr parseAtomEscape() {
        const size_t at = m_pos++;
        if (atEnd()) fail(fmt::format("pattern ends with a lone '\\' at offset {}", at));
        const char e = peek();
        if (e == 'b') unsupported("word boundary '\\b'", at);
        if (e == 'B') unsupported("non-word-boundary '\\B'", at);
        if (e == 'A' || e == 'Z' || e == 'z' || e == 'G') unsupported(fmt::format("anchor '\\{}'", e), at);
        if (e == 'k' && peek(1) == '<') unsupported("named backreference '\\k<'", at);
        if (std::optional<CodepointRanges> set = parseSetEscape(at))
            return Expr::charClass(normalizedRanges(std::move(*set)));
        return literalOf(parseCharEscape(at));
    }

    // \d \D \w \W \s \S and \p{..} \P{..}; nothing (and nothing consumed) for other escapes.
    std::optional<CodepointRanges> parseSetEscape(size_t at) {
        const char e = peek();
        const CodepointRanges* base = nullptr;
        switch (e) {
        case 'd':
        case 'D':
            base = &ecmaDigits();
            break;
        case 'w':
        case 'W':
            base = &ecmaWordChars();
            break;
        case 's':
        case 'S':
            base = &ecmaSpaces();
            break;
        case 'p':
        case 'P': {
            ++m_pos;
            CodepointRanges set = parseUnicodeProperty(at);
            return e == 'P' ? complementRanges(set) : set;
        }
        default:
            return std::nullopt;
        }
        ++m_pos;
        return (e >= 'A' && e <= 'Z') ? complementRanges(*base) : *base;
    }

    // After \p or \P: {Name}, {General_Category=Name}, {gc=Name}, or a one-letter name.
    CodepointRanges parseUnicodeProperty(size_t at) {
        std::string_view name;
        if (peek() == '{') {
            const size_t close = m_pattern.find('}', m_pos);
            if (close == std::string_view::npos)
                fail(fmt::format("property escape at offset {} is never closed (expected '}}')", at));
            name = m_pattern.substr(m_pos + 1, close - m_pos - 1);
            m_pos = close + 1;
        } else if (isAsciiLetter(peek())) {
            name = m_pattern.substr(m_pos++, 1);
        } else {
            fail(fmt::format("property escape at offset {} needs a name (expected \\p{{L}} or similar)", at));
        }
        const std::string_view text = m_pattern.substr(at, m_pos - at);
        if (const size_t eq = name.find('='); eq != std::string_view::npos) {
            const std::string_view key = name.substr(0, eq);
            if (key != "General_Category" && key != "gc")
                unsupported(fmt::format("Unicode property '{}'", text), at, " (only general categories such as \\p{L} are)");
            name = name.substr(eq + 1);
        }
        std::optional<CodepointRanges> set = unicodeCategory(name);
        if (!set)
            fail(fmt::format("Unicode property '{}' at offset {} is unknown (expected a general category such as "
                             "L, Lu, Nd, P or Letter)",
                             text, at));
        return std::move(*set);
    }

    // One character after '\' (m_pos is just past the backslash at `at`).
    char32_t parseCharEscape(size_t at) {
        const char e = m_pattern[m_pos++];
        switch (e) {
        case 'n':
            return '\n';
        case 't':
            return '\t';
        case 'r':
            return '\r';
        case 'f':
            return '\f';
        case 'v':
            return '\v';
        case '0':
            if (isDigit(peek())) unsupported("octal escape '\\0' followed by digits", at);
            return 0;
        case 'c':
            if (!isAsciiLetter(peek()))
                fail(fmt::format("control escape '\\c' at offset {} needs a letter (as in \\cJ)", at));
            return char32_t(m_pattern[m_pos++] % 32);
        case 'x':
            return hexDigits(at, 2);
        case 'U':
            return checkedCodepoint(hexDigits(at, 8), at);
        case 'u':
            return unicodeEscape(at);
        default:
            break;
        }
        if (isDigit(e)) unsupported(fmt::format("backreference '\\{}'", e), at);
        if (isAsciiLetter(e)) fail(fmt::format("escape '\\{}' at offset {} is unknown", e, at));
        --m_pos;  // an escaped punctuation mark (or any other character) stands for itself
        return decodeCodepointAt(m_pattern, m_pos);
    }

    char32_t hexDigits(size_t at, int count) {
        char32_t value = 0;
        for (int k = 0; k < count; ++k) {
            const int digit = hexValue(peek());
            if (digit < 0)
                fail(fmt::format("escape '{}' at offset {} needs {} hex digits", m_pattern.substr(at, 2), at, count));
            value = value * 16 + char32_t(digit);
            ++m_pos;
        }
        return value;
    }

    // \uXXXX (a surrogate pair \uD83D\uDE00 is one character) or \u{X...}.
    char32_t unicodeEscape(size_t at) {
        if (peek() == '{') {
            ++m_pos;
            char32_t value = 0;
            int digits = 0;
            for (; hexValue(peek()) >= 0; ++m_pos, ++digits) value = std::min<char32_t>(value * 16 + char32_t(hexValue(peek())), 0x110000);
            if (digits == 0 || peek() != '}')
                fail(fmt::format("escape '\\u{{' at offset {} needs hex digits and a closing '}}'", at));
            ++m_pos;
            return checkedCodepoint(value, at);
        }
        const char32_t unit = hexDigits(at, 4);
        if (unit >= 0xD800 && unit <= 0xDBFF && lookingAt("\\u")) {
            const size_t save = m_pos;
            m_pos += 2;
            bool fourHex = true;
            for (size_t k = 0; k < 4; ++k) fourHex = fourHex && hexValue(peek(k)) >= 0;
            if (fourHex) {
                const char32_t low = hexDigits(save, 4);
                if (low >= 0xDC00 && low <= 0xDFFF) return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            }
            m_pos = save;
        }
        return checkedCodepoint(unit, at);
    }

    static char32_t checkedCodepoint(char32_t value, size_t at) {
        if (value > kMaxCodepoint)
            fail(fmt::format("escape at offset {} names a code point beyond U+10FFFF", at));
        if (value >= 0xD800 && value <= 0xDFFF)
            fail(fmt::format("escape at offset {} names a lone surrogate U+{:04X}, which UTF-8 text cannot contain",
                             at, uint32_t(value)));
        return value;
    }

    std::string_view m_pattern;
    size_t m_pos = 0;
    size_t m_classOpen = 0;
    int m_depth = 0;
};

}  // namespace

Result<Expr> regexToExpr(std::string_view pattern, RegexMatch match) {
    if (std::optional<size_t> bad = firstInvalidUtf8Byte(pattern))
        return makeError(fmt::format("regex: pattern is not valid UTF-8 at offset {}", *bad));
    try {
        return RegexParser(pattern).parse(match);
    } catch (const RegexError& error) {
        return makeError(error.message);
    }
}

}  // namespace pagoda::structured

#include "engine/structured/regex_grammar.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/common/utf8.h"
#include "engine/structured/char_sets.h"
#include "engine/structured/expr_builders.h"
#include "engine/structured/regex_scanner.h"

namespace pagoda::structured {

namespace {

using namespace regex_detail;

constexpr int kMaxGroupDepth = 256;  // deeper nesting would only exhaust the stack

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

class RegexParser : RegexScanner {
public:
    explicit RegexParser(std::string_view pattern) : RegexScanner(pattern) {}

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

    // A sequence of quantified atoms up to '|', ')' or the end. Only top-level alternatives
    // may carry anchors, and only at their edges: elsewhere ^ and $ are assertions a grammar
    // cannot express.
    Alternative parseAlternative(bool topLevel) {
        Alternative alternative;
        std::vector<Expr> items;
        while (!atEnd() && peek() != '|' && peek() != ')') {
            const size_t at = m_pos;
            // Python's \A and \Z (and PCRE's \z) anchor the whole string, as ^ and $ do here.
            if (const size_t length = startAnchorLength(); length > 0) {
                if (!topLevel || !items.empty())
                    unsupported(fmt::format("anchor '{}'", m_pattern.substr(at, length)), at,
                                " (only at the start of the pattern or of a top-level alternative)");
                m_pos += length;
                alternative.anchoredStart = true;
                rejectQuantifierAfter("an anchor");
                continue;
            }
            if (const size_t length = endAnchorLength(); length > 0) {
                m_pos += length;
                while (endAnchorLength() > 0) m_pos += endAnchorLength();
                if (!topLevel || !(atEnd() || peek() == '|'))
                    unsupported(fmt::format("anchor '{}'", m_pattern.substr(at, length)), at,
                                " (only at the end of the pattern or of a top-level alternative)");
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

    size_t startAnchorLength() const { return peek() == '^' ? 1 : lookingAt("\\A") ? 2 : 0; }
    size_t endAnchorLength() const { return peek() == '$' ? 1 : (lookingAt("\\Z") || lookingAt("\\z")) ? 2 : 0; }

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
                if (bracesQuantifierAt(m_pos))
                    fail(fmt::format("quantifier '{{' at offset {} has nothing to repeat", at));
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
                fail(
                    fmt::format("quantifier '{}' at offset {} is ambiguous (a literal in ECMAScript, {{0,{}}} in "
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
            {"(?=", "lookahead"},         {"(?!", "negative lookahead"},
            {"(?<=", "lookbehind"},       {"(?<!", "negative lookbehind"},
            {"(?P=", "backreference"},    {"(?P>", "recursion"},
            {"(?>", "atomic group"},      {"(?#", "comment group"},
            {"(?(", "conditional group"},
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
                fail(
                    fmt::format("group name at offset {} is malformed (expected a name such as (?<year>...))", nameAt));
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
                    fail(
                        fmt::format("range '{}' at offset {} has a class such as \\d as an end (expected single "
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
        if (e == 'G') unsupported("anchor '\\G'", at);
        if (e == 'k' && peek(1) == '<') unsupported("named backreference '\\k<'", at);
        if (std::optional<CodepointRanges> set = parseSetEscape(at))
            return Expr::charClass(normalizedRanges(std::move(*set)));
        return literalOf(parseCharEscape(at));
    }

    size_t m_classOpen = 0;
    int m_depth = 0;
};

}  // namespace

Result<Expr> regexToExpr(std::string_view pattern, RegexMatch match) {
    if (std::optional<size_t> bad = firstInvalidUtf8Byte(pattern))
        return makeError(fmt::format("regex: pattern is not valid UTF-8 at offset {}", *bad));
    try {
        return RegexParser(pattern).parse(match);
    } catch (const regex_detail::RegexError& error) {
        return makeError(error.message);
    }
}

}  // namespace pagoda::structured

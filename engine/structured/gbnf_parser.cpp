#include "engine/structured/gbnf_parser.h"

#include <fmt/format.h>

#include <map>
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

// Thrown inside the parser, caught in parseGbnf.
struct GbnfError {
    std::string message;
};

bool isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

class GbnfParser {
public:
    explicit GbnfParser(std::string_view text) : m_text(text) {}

    Grammar parse() {
        skipSpace(true);
        while (!atEnd()) {
            parseRule();
            skipSpace(true);
        }
        const std::pair<const std::string, size_t>* firstUndefined = nullptr;
        for (const auto& reference : m_references) {
            if (!m_defined.count(reference.first) && (!firstUndefined || reference.second < firstUndefined->second))
                firstUndefined = &reference;
        }
        if (firstUndefined)
            fail(firstUndefined->second, fmt::format("rule '{}' is used but never defined", firstUndefined->first));
        if (!m_defined.count("root"))
            throw GbnfError{"gbnf: no rule named 'root' (the rule a whole output must match)"};
        m_grammar.root = "root";
        return std::move(m_grammar);
    }

private:
    [[noreturn]] void fail(size_t offset, std::string message) const {
        size_t line = 1, column = 1;
        for (size_t i = 0; i < offset && i < m_text.size(); ++i) {
            if (m_text[i] == '\n') {
                ++line;
                column = 1;
            } else if ((static_cast<unsigned char>(m_text[i]) & 0xC0) != 0x80) {
                ++column;
            }
        }
        throw GbnfError{fmt::format("gbnf:{}:{}: {}", line, column, message)};
    }

    [[noreturn]] void expected(std::string_view what) const {
        fail(m_pos, fmt::format("expected {}, found {}", what, describeHere()));
    }

    std::string describeHere() const {
        if (atEnd()) return "the end of the input";
        const char c = peek();
        if (c == '\n' || c == '\r') return "the end of the line";
        size_t end = m_pos + utf8SequenceLength(static_cast<unsigned char>(c));
        return fmt::format("'{}'", m_text.substr(m_pos, std::min(end, m_text.size()) - m_pos));
    }

    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek(size_t ahead = 0) const { return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0'; }

    // Spaces, tabs and comments; line breaks too when `newlines` (inside groups, after | and ::=).
    void skipSpace(bool newlines) {
        while (!atEnd()) {
            const char c = peek();
            if (c == ' ' || c == '\t' || (newlines && (c == '\n' || c == '\r'))) {
                ++m_pos;
            } else if (c == '#') {
                while (!atEnd() && peek() != '\n' && peek() != '\r') ++m_pos;
            } else {
                break;
            }
        }
    }

    std::string parseName() {
        const size_t start = m_pos;
        while (!atEnd() && isNameChar(peek())) ++m_pos;
        return std::string(m_text.substr(start, m_pos - start));
    }

    void parseRule() {
        const size_t nameAt = m_pos;
        std::string name = parseName();
        if (name.empty()) expected("a rule 'name ::= ...' (a rule ends with its line unless inside ( ) or after '|')");
        skipSpace(false);
        if (m_text.substr(m_pos, 3) != "::=") expected(fmt::format("'::=' after the rule name '{}'", name));
        m_pos += 3;
        skipSpace(true);
        Expr body = parseAlternatives(false);
        skipSpace(false);
        if (!atEnd() && peek() != '\n' && peek() != '\r')
            expected(fmt::format("the end of the line after rule '{}' (or an item, '|', '*', '+', '?', '{{')", name));
        if (auto [it, inserted] = m_defined.emplace(name, nameAt); !inserted)
            fail(nameAt, fmt::format("rule '{}' is defined twice (first at {})", name, position(it->second)));
        m_grammar.add(std::move(name), std::move(body));
    }

    std::string position(size_t offset) const {
        size_t line = 1;
        for (size_t i = 0; i < offset; ++i) line += m_text[i] == '\n';
        return fmt::format("line {}", line);
    }

    Expr parseAlternatives(bool nested) {
        std::vector<Expr> alternatives{parseSequence(nested)};
        for (;;) {
            if (peek() == '|') {
                ++m_pos;
                skipSpace(true);
                alternatives.push_back(parseSequence(nested));
                continue;
            }
            // A continuation line starting with '|' (common BNF style) goes on the same rule.
            const size_t save = m_pos;
            skipSpace(true);
            if (peek() == '|') continue;
            m_pos = save;
            break;
        }
        return simpleChoice(std::move(alternatives));
    }

    // Items up to '|', ')', the end of the line (outside groups) or the end of the input.
    Expr parseSequence(bool nested) {
        std::vector<Expr> items;
        for (;;) {
            skipSpace(nested);
            const size_t at = m_pos;
            const char c = peek();
            if (atEnd() || c == '|' || c == ')' || c == '\n' || c == '\r') break;
            if (c == '"') {
                items.push_back(parseLiteral());
            } else if (c == '[') {
                items.push_back(parseClass());
            } else if (c == '.') {
                ++m_pos;
                items.push_back(Expr::anyChar());
            } else if (c == '(') {
                items.push_back(parseGroup());
            } else if (isNameChar(c)) {
                std::string name = parseName();
                skipSpace(false);
                if (m_text.substr(m_pos, 3) == "::=")
                    fail(at,
                         fmt::format("rule '{}' starts on the same line as the previous rule (put it on its own line)",
                                     name));
                m_references.emplace(name, at);
                items.push_back(Expr::ref(std::move(name)));
            } else if (c == '*' || c == '+' || c == '?' || c == '{') {
                if (items.empty()) fail(at, fmt::format("'{}' has nothing to repeat", c));
                const auto [min, max] = parseQuantifier();
                items.back() = simpleRepeat(std::move(items.back()), min, max);
            } else if (c == '<') {
                fail(at, "token references such as <[1234]> or <|tag|> are not supported (write the text as a string)");
            } else {
                expected("a string \"...\", a class [...], '.', '(', a rule name, '|' or the end of the rule");
            }
        }
        return simpleSequence(std::move(items));
    }

    Expr parseGroup() {
        const size_t open = m_pos++;
        if (++m_depth > kMaxGroupDepth) fail(open, fmt::format("groups are nested more than {} deep", kMaxGroupDepth));
        skipSpace(true);
        Expr body = parseAlternatives(true);
        skipSpace(true);
        if (peek() != ')') expected(fmt::format("')' closing the group opened at {}", position(open)));
        ++m_pos;
        --m_depth;
        return body;
    }

    std::pair<int, int> parseQuantifier() {
        const char c = m_text[m_pos++];
        if (c == '*') return {0, -1};
        if (c == '+') return {1, -1};
        if (c == '?') return {0, 1};
        const size_t open = m_pos - 1;
        skipSpace(false);
        const std::optional<int> min = parseCount();
        if (!min) expected("a number after '{'");
        skipSpace(false);
        int max = *min;
        if (peek() == ',') {
            ++m_pos;
            skipSpace(false);
            const std::optional<int> bound = parseCount();
            max = bound ? *bound : -1;
            skipSpace(false);
        }
        if (peek() != '}') expected("'}' closing the repetition");
        ++m_pos;
        if (max >= 0 && *min > max)
            fail(open, fmt::format("repetition {{{},{}}} has its numbers out of order", *min, max));
        return {*min, max};
    }

    std::optional<int> parseCount() {
        const size_t start = m_pos;
        long value = 0;
        while (!atEnd() && peek() >= '0' && peek() <= '9') {
            value = std::min(value * 10 + (peek() - '0'), 1'000'000'000L);
            ++m_pos;
        }
        if (m_pos == start) return std::nullopt;
        if (value > kMaxGbnfRepeat)
            fail(start, fmt::format("repetition count {} is above the limit of {}", m_text.substr(start, m_pos - start),
                                    kMaxGbnfRepeat));
        return int(value);
    }

    // "..." with escapes; other bytes are taken as they are.
    Expr parseLiteral() {
        const size_t open = m_pos++;
        std::string bytes;
        for (;;) {
            if (atEnd()) fail(open, "string is never closed (expected '\"')");
            const char c = peek();
            if (c == '"') {
                ++m_pos;
                break;
            }
            if (c == '\\') {
                appendUtf8(bytes, parseEscape());
            } else {
                bytes += c;
                ++m_pos;
            }
        }
        return Expr::literal(std::move(bytes));
    }

    Expr parseClass() {
        const size_t open = m_pos++;
        bool negated = false;
        if (peek() == '^') {
            negated = true;
            ++m_pos;
        }
        CodepointRanges ranges;
        for (;;) {
            if (atEnd()) fail(open, "character class is never closed (expected ']')");
            if (peek() == ']') {
                ++m_pos;
                break;
            }
            const size_t itemAt = m_pos;
            const char32_t first = parseClassChar(open);
            char32_t last = first;
            if (peek() == '-' && peek(1) != ']' && m_pos + 1 < m_text.size()) {
                ++m_pos;
                last = parseClassChar(open);
                if (first > last)
                    fail(itemAt, fmt::format("range '{}' is out of order", m_text.substr(itemAt, m_pos - itemAt)));
            }
            ranges.push_back({first, last});
        }
        // [] matches nothing and [^] any character.
        return Expr::charClass(normalizedRanges(ranges), negated);
    }

    char32_t parseClassChar(size_t open) {
        if (atEnd()) fail(open, "character class is never closed (expected ']')");
        if (peek() == '\\') return parseEscape();
        if (firstInvalidUtf8Byte(m_text.substr(m_pos, utf8SequenceLength(static_cast<unsigned char>(peek())))))
            fail(m_pos, "character class holds a byte that is not valid UTF-8");
        return decodeCodepointAt(m_text, m_pos);
    }

    // After '\': the escapes llama.cpp reads.
    char32_t parseEscape() {
        const size_t at = m_pos++;
        if (atEnd()) fail(at, "input ends after '\\'");
        const char e = m_text[m_pos++];
        switch (e) {
            case 'n':
                return '\n';
            case 't':
                return '\t';
            case 'r':
                return '\r';
            case '\\':
            case '"':
            case '[':
            case ']':
            case '-':
            case '^':
                return char32_t(e);
            case 'x':
                return hexDigits(at, 2);
            case 'u':
                return hexDigits(at, 4);
            case 'U':
                return hexDigits(at, 8);
            default:
                fail(at,
                     fmt::format("unknown escape '\\{}' (expected \\n \\t \\r \\\\ \\\" \\[ \\] \\- \\xHH \\uHHHH or "
                                 "\\UHHHHHHHH)",
                                 describeChar(e)));
        }
    }

    static std::string describeChar(char c) {
        if (static_cast<unsigned char>(c) < 0x20) return fmt::format("\\x{:02X}", static_cast<unsigned char>(c));
        return std::string(1, c);
    }

    char32_t hexDigits(size_t at, int count) {
        char32_t value = 0;
        for (int k = 0; k < count; ++k) {
            const int digit = hexValue(peek());
            if (digit < 0) fail(at, fmt::format("escape '{}' needs {} hex digits", m_text.substr(at, 2), count));
            value = value * 16 + char32_t(digit);
            ++m_pos;
        }
        if (value > kMaxCodepoint || (value >= 0xD800 && value <= 0xDFFF))
            fail(at, fmt::format("escape '{}' is not a Unicode scalar value", m_text.substr(at, m_pos - at)));
        return value;
    }

    std::string_view m_text;
    size_t m_pos = 0;
    int m_depth = 0;
    Grammar m_grammar;
    std::map<std::string, size_t> m_defined;     // rule name → offset of its definition
    std::map<std::string, size_t> m_references;  // rule name → offset of its first use
};

}  // namespace

Result<Grammar> parseGbnf(std::string_view text) {
    try {
        return GbnfParser(text).parse();
    } catch (const GbnfError& error) {
        return makeError(error.message);
    }
}

}  // namespace pagoda::structured

#include "engine/structured/regex_scanner.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "engine/common/utf8.h"

namespace pagoda::structured::regex_detail {

void fail(std::string message) {
    throw RegexError{"regex: " + std::move(message)};
}

void unsupported(std::string_view construct, size_t offset, std::string_view hint) {
    fail(fmt::format("{} at offset {} is not supported{}", construct, offset, hint));
}

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char32_t checkedCodepoint(char32_t value, size_t at) {
    if (value > kMaxCodepoint) fail(fmt::format("escape at offset {} names a code point beyond U+10FFFF", at));
    if (value >= 0xD800 && value <= 0xDFFF)
        fail(fmt::format("escape at offset {} names a lone surrogate U+{:04X}, which UTF-8 text cannot contain", at,
                         uint32_t(value)));
    return value;
}

}  // namespace

// \d \D \w \W \s \S and \p{..} \P{..}; nothing (and nothing consumed) for other escapes.
std::optional<CodepointRanges> RegexScanner::parseSetEscape(size_t at) {
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
CodepointRanges RegexScanner::parseUnicodeProperty(size_t at) {
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
            unsupported(fmt::format("Unicode property '{}'", text), at,
                        " (only general categories such as \\p{L} are)");
        name = name.substr(eq + 1);
    }
    std::optional<CodepointRanges> set = unicodeCategory(name);
    if (!set)
        fail(
            fmt::format("Unicode property '{}' at offset {} is unknown (expected a general category such as "
                        "L, Lu, Nd, P or Letter)",
                        text, at));
    return std::move(*set);
}

// One character after '\' (m_pos is just past the backslash at `at`).
char32_t RegexScanner::parseCharEscape(size_t at) {
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

char32_t RegexScanner::hexDigits(size_t at, int count) {
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
char32_t RegexScanner::unicodeEscape(size_t at) {
    if (peek() == '{') {
        ++m_pos;
        char32_t value = 0;
        int digits = 0;
        for (; hexValue(peek()) >= 0; ++m_pos, ++digits)
            value = std::min<char32_t>(value * 16 + char32_t(hexValue(peek())), 0x110000);
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

}  // namespace pagoda::structured::regex_detail

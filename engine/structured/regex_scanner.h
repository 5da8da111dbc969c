// The character level of the regex front end (regex_grammar.cpp): a cursor over the pattern
// and what each escape stands for, one character or a set. Errors are thrown as RegexError,
// which regexToExpr turns into its Result; nothing here is used outside the front end.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/structured/char_sets.h"

namespace pagoda::structured::regex_detail {

struct RegexError {
    std::string message;
};

[[noreturn]] void fail(std::string message);
// "<construct> at offset <offset> is not supported<hint>"
[[noreturn]] void unsupported(std::string_view construct, size_t offset, std::string_view hint = {});

inline bool isDigit(char c) {
    return c >= '0' && c <= '9';
}
inline bool isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

class RegexScanner {
protected:
    explicit RegexScanner(std::string_view pattern) : m_pattern(pattern) {}

    bool atEnd() const { return m_pos >= m_pattern.size(); }
    char peek(size_t ahead = 0) const { return m_pos + ahead < m_pattern.size() ? m_pattern[m_pos + ahead] : '\0'; }
    bool lookingAt(std::string_view s) const { return m_pattern.substr(m_pos).starts_with(s); }

    // With m_pos just past the backslash at `at`: \d \D \w \W \s \S \p{..} \P{..} as a set,
    // or nothing (and nothing consumed) for other escapes.
    std::optional<CodepointRanges> parseSetEscape(size_t at);
    // With m_pos just past the backslash at `at`: the one character the escape names.
    char32_t parseCharEscape(size_t at);

    std::string_view m_pattern;
    size_t m_pos = 0;

private:
    CodepointRanges parseUnicodeProperty(size_t at);
    char32_t hexDigits(size_t at, int count);
    char32_t unicodeEscape(size_t at);
};

}  // namespace pagoda::structured::regex_detail

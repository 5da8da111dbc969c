// Splits a template into text and tag tokens with jinja2's whitespace rules as transformers
// configures them: trim_blocks and lstrip_blocks on, `-` and `+` markers honoured,
// newlines normalized and one trailing newline dropped (keep_trailing_newline off).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/tokenizer/jinja/jinja_error.h"

namespace pagoda::jinja {

enum class TokenKind {
    Text,           // template text between tags, already whitespace-trimmed
    VariableBegin,  // {{
    VariableEnd,    // }}
    BlockBegin,     // {%
    BlockEnd,       // %}
    Name,
    String,   // text holds the decoded value
    Integer,  // intValue
    Float,    // floatValue
    Operator,
    End,
};

struct Token {
    TokenKind kind = TokenKind::End;
    std::string text;
    size_t offset = 0;
    int64_t intValue = 0;
    double floatValue = 0.0;
};

// Maps byte offsets of the normalized source to 1-based line and code-point column.
class SourceMap {
public:
    explicit SourceMap(std::string_view source);
    SourceLocation locate(size_t offset) const;

private:
    // Code points before every kStride-th byte. Columns were counted from the line start,
    // which made parsing a one-line template quadratic (40,000 {% set %} tags took 7 s);
    // now locate() counts at most kStride bytes.
    static constexpr size_t kStride = 256;
    size_t codePointsBefore(size_t offset) const;

    std::string_view m_source;
    std::vector<size_t> m_lineStarts;
    std::vector<size_t> m_codePoints;
};

// "\r\n" and "\r" become "\n", and a single trailing newline is removed, as jinja2 does
// before lexing. Token offsets refer to the normalized text.
std::string normalizeNewlines(std::string_view source);

// Throws a Syntax error for unterminated tags, comments and strings, and stray characters.
std::vector<Token> tokenize(std::string_view source, const SourceMap& map);

}  // namespace pagoda::jinja

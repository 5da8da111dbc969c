#include "engine/tokenizer/jinja/jinja_lexer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>

#include "engine/tokenizer/jinja/jinja_unicode.h"

namespace pagoda::jinja {

SourceMap::SourceMap(std::string_view source) : m_source(source) {
    m_lineStarts.push_back(0);
    for (size_t i = 0; i < source.size(); ++i) {
        if (source[i] == '\n') m_lineStarts.push_back(i + 1);
    }
    m_codePoints.push_back(0);
    for (size_t start = 0; start + kStride <= source.size(); start += kStride) {
        m_codePoints.push_back(m_codePoints.back() + unicode::length(source.substr(start, kStride)));
    }
}

// unicode::length counts lead bytes, so counts of adjacent pieces add up.
size_t SourceMap::codePointsBefore(size_t offset) const {
    const size_t checkpoint = offset / kStride;
    return m_codePoints[checkpoint] + unicode::length(m_source.substr(checkpoint * kStride, offset - checkpoint * kStride));
}

SourceLocation SourceMap::locate(size_t offset) const {
    offset = std::min(offset, m_source.size());
    const auto it = std::upper_bound(m_lineStarts.begin(), m_lineStarts.end(), offset) - 1;
    const size_t column = codePointsBefore(offset) - codePointsBefore(*it) + 1;
    return {static_cast<int>(it - m_lineStarts.begin()) + 1, static_cast<int>(column)};
}

std::string normalizeNewlines(std::string_view source) {
    std::string out;
    out.reserve(source.size());
    for (size_t i = 0; i < source.size(); ++i) {
        if (source[i] == '\r') {
            out += '\n';
            if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
        } else {
            out += source[i];
        }
    }
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

namespace {

bool isDigitChar(char c) { return c >= '0' && c <= '9'; }

// The byte length of the whitespace character (as Python's \s sees it, Unicode included)
// starting at s[i], or 0.
size_t spaceAt(std::string_view s, size_t i) {
    if (i >= s.size()) return 0;
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) return unicode::isSpace(b) ? 1 : 0;
    const size_t length = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    const std::u32string c = unicode::decode(s.substr(i, length));
    return c.size() == 1 && unicode::isSpace(c[0]) ? length : 0;
}

size_t skipSpace(std::string_view s, size_t i) {
    while (size_t n = spaceAt(s, i)) i += n;
    return i;
}

bool allSpace(std::string_view s) { return skipSpace(s, 0) == s.size(); }

// Python's str.rstrip() on the text before a `{%-` tag.
std::string_view rstripWhitespace(std::string_view s) {
    size_t end = s.size();
    while (end > 0) {
        size_t start = end - 1;
        while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
        if (spaceAt(s, start) != end - start) break;
        end = start;
    }
    return s.substr(0, end);
}

// Identifiers: ASCII letters, digits and '_', and any non-ASCII character that is not
// whitespace (jinja2 accepts Unicode identifiers).
size_t nameCharAt(std::string_view s, size_t i) {
    if (i >= s.size()) return 0;
    const char c = s[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || isDigitChar(c)) return 1;
    if (!(c & 0x80) || spaceAt(s, i)) return 0;
    size_t end = i + 1;
    while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
    return end - i;
}

constexpr std::array<std::string_view, 26> kOperators = {
    "//", "**", "==", "!=", ">=", "<=", "+", "-", "*", "/", "%", "~", "[",
    "]",  "(",  ")",  "{",  "}",  "<",  ">", "=", ".", ":", "|", ",", ";",
};

class Lexer {
public:
    Lexer(std::string_view source, const SourceMap& map) : m_src(source), m_map(map) {}

    std::vector<Token> run() {
        while (m_pos < m_src.size()) {
            const size_t tag = findTagStart(m_pos);
            if (tag == std::string_view::npos) {
                pushText(m_src.substr(m_pos));
                m_pos = m_src.size();
                break;
            }
            lexTag(tag);
        }
        m_tokens.push_back(Token{TokenKind::End, "", m_src.size()});
        return std::move(m_tokens);
    }

private:
    [[noreturn]] void error(size_t offset, std::string message) const {
        fail(ErrorKind::Syntax, std::move(message), m_map.locate(offset));
    }

    size_t findTagStart(size_t from) const {
        for (size_t i = m_src.find('{', from); i != std::string_view::npos; i = m_src.find('{', i + 1)) {
            if (i + 1 < m_src.size() && (m_src[i + 1] == '{' || m_src[i + 1] == '%' || m_src[i + 1] == '#')) return i;
        }
        return std::string_view::npos;
    }

    void pushText(std::string_view text) {
        if (!text.empty()) m_tokens.push_back(Token{TokenKind::Text, std::string(text), m_pos});
    }

    char signAt(size_t i) const { return i < m_src.size() && (m_src[i] == '-' || m_src[i] == '+') ? m_src[i] : 0; }

    // jinja2's lstrip_blocks: spaces and tabs between the start of a line and a block or
    // comment tag are dropped, unless the tag says `+`; `-` strips all whitespace before.
    std::string_view trimBefore(std::string_view text, char sign, bool isVariable) const {
        if (sign == '-') return rstripWhitespace(text);
        if (sign == '+' || isVariable) return text;
        const size_t lineStart = text.rfind('\n') == std::string_view::npos ? 0 : text.rfind('\n') + 1;
        if (lineStart == 0 && !m_lineStarting) return text;
        const std::string_view tail = text.substr(lineStart);
        if (tail.empty() || !allSpace(tail)) return text;
        return text.substr(0, lineStart);
    }

    // After a tag's end marker at `end` (of length `length`, preceded by `sign`): `-` eats
    // the following whitespace, a block or comment without `+` eats one newline.
    void finishTag(size_t end, size_t length, char sign, bool trimNewline) {
        size_t pos = end + length;
        if (sign == '-') {
            pos = skipSpace(m_src, pos);
        } else if (sign != '+' && trimNewline && pos < m_src.size() && m_src[pos] == '\n') {
            ++pos;
        }
        m_lineStarting = pos > 0 && m_src[pos - 1] == '\n';
        m_pos = pos;
    }

    void lexTag(size_t tag) {
        const char type = m_src[tag + 1];
        const char sign = signAt(tag + 2);
        pushText(trimBefore(m_src.substr(m_pos, tag - m_pos), sign, type == '{'));
        const size_t inner = tag + 2 + (sign ? 1 : 0);
        if (type == '#') return lexComment(tag, inner);
        if (type == '%' && lexRaw(tag, inner)) return;
        m_tokens.push_back(Token{type == '{' ? TokenKind::VariableBegin : TokenKind::BlockBegin,
                                 type == '{' ? "{{" : "{%", tag});
        lexInside(tag, inner, type == '%');
    }

    void lexComment(size_t tag, size_t inner) {
        const size_t close = m_src.find("#}", inner);
        if (close == std::string_view::npos) error(tag, "missing end of comment tag '#}'");
        const char sign = close > inner ? signAt(close - 1) : 0;
        finishTag(close, 2, sign, true);
    }

    size_t skipSpaces(size_t i) const { return skipSpace(m_src, i); }

    bool wordAt(size_t i, std::string_view word) const {
        return m_src.substr(i, word.size()) == word && nameCharAt(m_src, i + word.size()) == 0;
    }

    // Where a `%}` (optionally preceded by a sign) starts at i: returns the sign and length.
    bool blockEndAt(size_t i, char& sign, size_t& length) const {
        sign = signAt(i);
        const size_t at = i + (sign ? 1 : 0);
        if (m_src.substr(at, 2) != "%}") return false;
        length = at + 2 - i;
        return true;
    }

    // {% raw %}...{% endraw %}: the text in between is emitted as is.
    bool lexRaw(size_t tag, size_t inner) {
        size_t i = skipSpaces(inner);
        if (!wordAt(i, "raw")) return false;
        i = skipSpaces(i + 3);
        char sign = 0;
        size_t length = 0;
        if (!blockEndAt(i, sign, length)) error(i, "expected '%}' after 'raw'");
        size_t bodyStart = i + length;
        if (sign == '-') bodyStart = skipSpaces(bodyStart);
        for (size_t open = m_src.find("{%", bodyStart); open != std::string_view::npos; open = m_src.find("{%", open + 1)) {
            const char endSign = signAt(open + 2);
            size_t j = skipSpaces(open + 2 + (endSign ? 1 : 0));
            if (!wordAt(j, "endraw")) continue;
            j = skipSpaces(j + 6);
            char closeSign = 0;
            size_t closeLength = 0;
            if (!blockEndAt(j, closeSign, closeLength)) error(j, "expected '%}' after 'endraw'");
            m_lineStarting = bodyStart > 0 && m_src[bodyStart - 1] == '\n';
            m_pos = bodyStart;
            pushText(trimBefore(m_src.substr(bodyStart, open - bodyStart), endSign, false));
            finishTag(j, closeLength, closeSign, true);
            return true;
        }
        error(tag, "missing {% endraw %} for this {% raw %}");
    }

    void lexInside(size_t tag, size_t pos, bool block) {
        std::vector<char> brackets;
        while (true) {
            if (pos >= m_src.size()) {
                error(tag, block ? "unterminated block tag: missing '%}'" : "unterminated variable tag: missing '}}'");
            }
            if (brackets.empty() && lexTagEnd(pos, block)) return;
            const char c = m_src[pos];
            if (const size_t space = spaceAt(m_src, pos)) {
                pos += space;
            } else if (isDigitChar(c)) {
                pos = lexNumber(pos);
            } else if (nameCharAt(m_src, pos)) {
                size_t end = pos;
                while (const size_t n = nameCharAt(m_src, end)) end += n;
                m_tokens.push_back(Token{TokenKind::Name, std::string(m_src.substr(pos, end - pos)), pos});
                pos = end;
            } else if (c == '\'' || c == '"') {
                pos = lexString(pos);
            } else {
                pos = lexOperator(pos, brackets);
            }
        }
    }

    bool lexTagEnd(size_t pos, bool block) {
        const char sign = signAt(pos);
        const size_t at = pos + (sign ? 1 : 0);
        if (block) {
            if (m_src.substr(at, 2) != "%}") return false;
            m_tokens.push_back(Token{TokenKind::BlockEnd, "%}", pos});
            finishTag(pos, at + 2 - pos, sign, true);
            return true;
        }
        if (sign == '+' || m_src.substr(at, 2) != "}}") return false;
        m_tokens.push_back(Token{TokenKind::VariableEnd, "}}", pos});
        finishTag(pos, at + 2 - pos, sign, false);
        return true;
    }

    size_t lexOperator(size_t pos, std::vector<char>& brackets) {
        for (std::string_view op : kOperators) {
            if (m_src.substr(pos, op.size()) != op) continue;
            const char c = op[0];
            if (op.size() == 1 && (c == '(' || c == '[' || c == '{')) {
                brackets.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
            } else if (op.size() == 1 && (c == ')' || c == ']' || c == '}')) {
                if (brackets.empty()) error(pos, fmt::format("unexpected '{}'", c));
                if (brackets.back() != c) error(pos, fmt::format("unexpected '{}', expected '{}'", c, brackets.back()));
                brackets.pop_back();
            }
            m_tokens.push_back(Token{TokenKind::Operator, std::string(op), pos});
            return pos + op.size();
        }
        const auto lead = static_cast<unsigned char>(m_src[pos]);
        const size_t length = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        error(pos, fmt::format("unexpected character '{}'", m_src.substr(pos, length)));
    }

    size_t digitsEnd(size_t i) const {
        while (i < m_src.size() && (isDigitChar(m_src[i]) || (m_src[i] == '_' && i + 1 < m_src.size() && isDigitChar(m_src[i + 1])))) ++i;
        return i;
    }

    size_t lexNumber(size_t pos) {
        Token token{TokenKind::Integer, "", pos};
        if (m_src[pos] == '0' && pos + 1 < m_src.size() && std::string_view("xXoObB").find(m_src[pos + 1]) != std::string_view::npos) {
            const char prefix = static_cast<char>(m_src[pos + 1] | 0x20);
            const int base = prefix == 'x' ? 16 : prefix == 'o' ? 8 : 2;
            size_t end = pos + 2;
            std::string digits;
            while (end < m_src.size() && (std::isxdigit(static_cast<unsigned char>(m_src[end])) || m_src[end] == '_')) {
                if (m_src[end] != '_') digits += m_src[end];
                ++end;
            }
            errno = 0;
            char* stop = nullptr;
            token.intValue = std::strtoll(digits.c_str(), &stop, base);
            if (digits.empty() || *stop != '\0' || errno == ERANGE) error(pos, "invalid integer literal");
            token.text = std::string(m_src.substr(pos, end - pos));
            m_tokens.push_back(token);
            return end;
        }
        size_t end = digitsEnd(pos);
        const bool afterDot = pos > 0 && m_src[pos - 1] == '.';
        bool isFloat = false;
        if (!afterDot && end + 1 < m_src.size() && m_src[end] == '.' && isDigitChar(m_src[end + 1])) {
            end = digitsEnd(end + 1);
            isFloat = true;
        }
        if (!afterDot && end < m_src.size() && (m_src[end] == 'e' || m_src[end] == 'E')) {
            size_t e = end + 1;
            if (e < m_src.size() && (m_src[e] == '+' || m_src[e] == '-')) ++e;
            if (e < m_src.size() && isDigitChar(m_src[e])) {
                end = digitsEnd(e);
                isFloat = true;
            }
        }
        std::string text;
        for (char c : m_src.substr(pos, end - pos)) {
            if (c != '_') text += c;
        }
        token.text = text;
        errno = 0;
        if (isFloat) {
            token.kind = TokenKind::Float;
            token.floatValue = std::strtod(text.c_str(), nullptr);
        } else {
            token.intValue = std::strtoll(text.c_str(), nullptr, 10);
            if (errno == ERANGE) error(pos, fmt::format("integer literal {} does not fit in 64 bits", text));
        }
        m_tokens.push_back(token);
        return end;
    }

    size_t lexString(size_t pos) {
        const char quote = m_src[pos];
        size_t i = pos + 1;
        while (i < m_src.size() && m_src[i] != quote) i += m_src[i] == '\\' ? 2 : 1;
        if (i >= m_src.size()) error(pos, "unterminated string literal");
        m_tokens.push_back(Token{TokenKind::String, unescape(m_src.substr(pos + 1, i - pos - 1), pos), pos});
        return i + 1;
    }

    static int hexValue(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    // Python's "unicode-escape" decoding, which jinja2 applies to string literals.
    std::string unescape(std::string_view s, size_t offset) const {
        std::string out;
        char32_t pendingHigh = 0;  // a \uD83D waiting for its low surrogate
        auto flushPending = [&] {
            if (pendingHigh) unicode::append(out, 0xFFFD);
            pendingHigh = 0;
        };
        auto emit = [&](char32_t c) {
            if (pendingHigh && c >= 0xDC00 && c <= 0xDFFF) {
                unicode::append(out, 0x10000 + ((pendingHigh - 0xD800) << 10) + (c - 0xDC00));
                pendingHigh = 0;
                return;
            }
            flushPending();
            if (c >= 0xD800 && c <= 0xDBFF) {
                pendingHigh = c;
            } else {
                unicode::append(out, c >= 0xD800 && c <= 0xDFFF ? 0xFFFD : c);
            }
        };
        for (size_t i = 0; i < s.size(); ++i) {
            if (s[i] != '\\' || i + 1 >= s.size()) {
                flushPending();
                out += s[i];
                continue;
            }
            const char e = s[++i];
            switch (e) {
                case '\n': break;
                case '\\': emit('\\'); break;
                case '\'': emit('\''); break;
                case '"': emit('"'); break;
                case 'a': emit('\a'); break;
                case 'b': emit('\b'); break;
                case 'f': emit('\f'); break;
                case 'n': emit('\n'); break;
                case 'r': emit('\r'); break;
                case 't': emit('\t'); break;
                case 'v': emit('\v'); break;
                case 'x':
                case 'u':
                case 'U': {
                    const size_t count = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    char32_t value = 0;
                    for (size_t k = 1; k <= count; ++k) {
                        const int h = i + k < s.size() ? hexValue(s[i + k]) : -1;
                        if (h < 0) error(offset, fmt::format("truncated \\{} escape in string literal", e));
                        value = value * 16 + static_cast<char32_t>(h);
                    }
                    if (value > 0x10FFFF) error(offset, "illegal Unicode character in string literal");
                    emit(value);
                    i += count;
                    break;
                }
                default:
                    if (e >= '0' && e <= '7') {
                        char32_t value = 0;
                        size_t k = 0;
                        while (k < 3 && i + k < s.size() && s[i + k] >= '0' && s[i + k] <= '7') value = value * 8 + (s[i + k++] - '0');
                        emit(value);
                        i += k - 1;
                    } else {
                        emit('\\');
                        flushPending();
                        out += e;
                    }
            }
        }
        flushPending();
        return out;
    }

    std::string_view m_src;
    const SourceMap& m_map;
    std::vector<Token> m_tokens;
    size_t m_pos = 0;
    bool m_lineStarting = true;
};

}  // namespace

std::vector<Token> tokenize(std::string_view source, const SourceMap& map) { return Lexer(source, map).run(); }

}  // namespace pagoda::jinja

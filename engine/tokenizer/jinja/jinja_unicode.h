// The few Unicode facts Python's str methods depend on: code points of UTF-8 text,
// whitespace as str.isspace() sees it, simple case mapping, printability for repr().
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace pagoda::jinja::unicode {

// Decodes UTF-8; a malformed byte becomes U+FFFD (inputs are validated before they get here).
std::u32string decode(std::string_view utf8);
// The code point starting at utf8[i] and its length in bytes, as decode() reads it: for
// walking a long text without holding four bytes per character.
std::pair<char32_t, size_t> decodeAt(std::string_view utf8, size_t i);
void append(std::string& out, char32_t codePoint);
std::string encode(std::u32string_view codePoints);
size_t length(std::string_view utf8);

bool isSpace(char32_t c);      // str.isspace(): \t\n\v\f\r, \x1c-\x1f, Zs, U+0085, U+2028/9
bool isPrintable(char32_t c);  // str.isprintable(), for repr(); approximate outside the BMP's common blocks
bool isDigit(char32_t c);      // ASCII and fullwidth digits
bool isAlpha(char32_t c);      // cased letters, plus the CJK, kana and hangul blocks
bool isCased(char32_t c);
bool isUpper(char32_t c);
bool isLower(char32_t c);
// Simple (one-to-one) case mapping for Latin, Greek, Cyrillic, Armenian and fullwidth
// letters; other scripts are returned unchanged.
char32_t toUpper(char32_t c);
char32_t toLower(char32_t c);

std::string upper(std::string_view utf8);  // str.upper(), with 'ß' -> "SS"
std::string lower(std::string_view utf8);

}  // namespace pagoda::jinja::unicode

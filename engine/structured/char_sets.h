// Sets of code points as sorted range lists, and the named sets the regex and GBNF front ends
// share: ECMAScript's \d \w \s, `.`, and Unicode general categories for \p{...}.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/structured/grammar.h"
#include "engine/structured/utf8_ranges.h"

namespace pagoda::structured {

using CodepointRanges = std::vector<CodepointRange>;

// Sorted, merged, surrogates removed (utf8_ranges.h's normalizeClass), and the complement.
inline CodepointRanges normalizedRanges(const CodepointRanges& ranges) {
    return normalizeClass(ranges, false);
}
inline CodepointRanges complementRanges(const CodepointRanges& ranges) {
    return normalizeClass(ranges, true);
}

// ECMAScript's classes (not in unicode-ignoreCase mode): \d, \w, and \s = WhiteSpace plus
// LineTerminator, which includes the Unicode space separators and U+FEFF.
const CodepointRanges& ecmaDigits();
const CodepointRanges& ecmaWordChars();
const CodepointRanges& ecmaSpaces();
// What ECMAScript's `.` excludes: \n \r U+2028 U+2029.
const CodepointRanges& ecmaLineTerminators();

// The code points of a Unicode general category named as in \p{...}: "L", "Lu",
// "Letter", "Uppercase_Letter", plus "Any" and "ASCII". Nothing for an unknown name.
std::optional<CodepointRanges> unicodeCategory(std::string_view name);

// Decodes the code point at text[pos] of valid UTF-8 and moves pos past it.
char32_t decodeCodepointAt(std::string_view text, size_t& pos);

}  // namespace pagoda::structured

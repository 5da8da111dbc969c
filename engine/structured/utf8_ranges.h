// Code point classes as UTF-8 byte patterns: the compiler matches bytes, so a class such as
// [^"\\] becomes a few alternatives of byte ranges, one per encoded length and lead byte span.
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/structured/grammar.h"

namespace pagoda::structured {

constexpr char32_t kMaxCodepoint = 0x10FFFF;

// Sorted, merged ranges of valid scalar values (surrogates removed), complemented when negated.
std::vector<CodepointRange> normalizeClass(const std::vector<CodepointRange>& ranges, bool negated);

struct Utf8Sequence {
    int length = 0;
    std::array<std::pair<uint8_t, uint8_t>, 4> ranges{};  // byte i in [first, second]
};

// Byte-range sequences that together encode exactly the code points in `ranges` (as produced
// by normalizeClass).
std::vector<Utf8Sequence> utf8Sequences(const std::vector<CodepointRange>& ranges);

// UTF-8 validity as a small automaton over bytes: state 0 is a character boundary, 1-3 that many
// continuation bytes due, 4-7 the restricted second byte after E0, ED, F0 and F4 (no overlong
// forms, surrogates or code points past U+10FFFF). Returns -1 for a byte that cannot come next.
constexpr int kUtf8States = 8;
int utf8Step(int state, uint8_t byte);

}  // namespace pagoda::structured

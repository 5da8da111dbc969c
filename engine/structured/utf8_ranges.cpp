#include "engine/structured/utf8_ranges.h"

#include <algorithm>

namespace pagoda::structured {

namespace {

int encodedLength(char32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

std::array<uint8_t, 4> encode(char32_t cp) {
    switch (encodedLength(cp)) {
        case 1: return {uint8_t(cp), 0, 0, 0};
        case 2: return {uint8_t(0xC0 | (cp >> 6)), uint8_t(0x80 | (cp & 0x3F)), 0, 0};
        case 3: return {uint8_t(0xE0 | (cp >> 12)), uint8_t(0x80 | ((cp >> 6) & 0x3F)), uint8_t(0x80 | (cp & 0x3F)), 0};
        default:
            return {uint8_t(0xF0 | (cp >> 18)), uint8_t(0x80 | ((cp >> 12) & 0x3F)), uint8_t(0x80 | ((cp >> 6) & 0x3F)),
                    uint8_t(0x80 | (cp & 0x3F))};
    }
}

// Splits [lo, hi] until every piece is one encoded length and each byte position varies over
// a plain range independently of the others, then emits it.
void split(char32_t lo, char32_t hi, std::vector<Utf8Sequence>& out) {
    if (lo > hi) return;
    for (char32_t boundary : {char32_t(0x7F), char32_t(0x7FF), char32_t(0xFFFF)})
        if (lo <= boundary && hi > boundary) {
            split(lo, boundary, out);
            split(boundary + 1, hi, out);
            return;
        }
    const int length = encodedLength(lo);
    for (int i = 1; i < length; ++i) {
        const char32_t low = (char32_t(1) << (6 * i)) - 1;  // the bits of the last i bytes
        if ((lo & ~low) == (hi & ~low)) continue;
        if ((lo & low) != 0) {
            split(lo, lo | low, out);
            split((lo | low) + 1, hi, out);
            return;
        }
        if ((hi & low) != low) {
            split(lo, (hi & ~low) - 1, out);
            split(hi & ~low, hi, out);
            return;
        }
    }
    const auto a = encode(lo);
    const auto b = encode(hi);
    Utf8Sequence seq;
    seq.length = length;
    for (int i = 0; i < length; ++i) seq.ranges[size_t(i)] = {a[size_t(i)], b[size_t(i)]};
    out.push_back(seq);
}

}  // namespace

std::vector<CodepointRange> normalizeClass(const std::vector<CodepointRange>& ranges, bool negated) {
    std::vector<CodepointRange> sorted;
    for (CodepointRange r : ranges) {
        if (r.first > r.last || r.first > kMaxCodepoint) continue;
        r.last = std::min(r.last, kMaxCodepoint);
        sorted.push_back(r);
    }
    std::sort(sorted.begin(), sorted.end(), [](auto a, auto b) { return a.first < b.first; });
    std::vector<CodepointRange> merged;
    for (const CodepointRange& r : sorted) {
        if (!merged.empty() && r.first <= merged.back().last + 1)
            merged.back().last = std::max(merged.back().last, r.last);
        else
            merged.push_back(r);
    }
    if (negated) {
        std::vector<CodepointRange> complement;
        char32_t next = 0;
        for (const CodepointRange& r : merged) {
            if (r.first > next) complement.push_back({next, r.first - 1});
            next = r.last + 1;
        }
        if (next <= kMaxCodepoint) complement.push_back({next, kMaxCodepoint});
        merged = std::move(complement);
    }
    std::vector<CodepointRange> out;  // without the surrogates, which UTF-8 cannot carry
    for (const CodepointRange& r : merged) {
        if (r.last < 0xD800 || r.first > 0xDFFF) {
            out.push_back(r);
            continue;
        }
        if (r.first < 0xD800) out.push_back({r.first, 0xD7FF});
        if (r.last > 0xDFFF) out.push_back({0xE000, r.last});
    }
    return out;
}

int utf8Step(int state, uint8_t b) {
    const bool continuation = b >= 0x80 && b <= 0xBF;
    switch (state) {
        case 0:
            if (b < 0x80) return 0;
            if (b >= 0xC2 && b <= 0xDF) return 1;
            if (b == 0xE0) return 4;
            if (b == 0xED) return 5;
            if (b >= 0xE1 && b <= 0xEF) return 2;
            if (b == 0xF0) return 6;
            if (b >= 0xF1 && b <= 0xF3) return 3;
            if (b == 0xF4) return 7;
            return -1;
        case 1: return continuation ? 0 : -1;
        case 2: return continuation ? 1 : -1;
        case 3: return continuation ? 2 : -1;
        case 4: return b >= 0xA0 && b <= 0xBF ? 1 : -1;
        case 5: return b >= 0x80 && b <= 0x9F ? 1 : -1;
        case 6: return b >= 0x90 && b <= 0xBF ? 2 : -1;
        case 7: return b >= 0x80 && b <= 0x8F ? 2 : -1;
    }
    return -1;
}

std::vector<Utf8Sequence> utf8Sequences(const std::vector<CodepointRange>& ranges) {
    std::vector<Utf8Sequence> out;
    for (const CodepointRange& r : ranges) split(r.first, r.last, out);
    return out;
}

}  // namespace pagoda::structured

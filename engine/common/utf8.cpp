#include "engine/common/utf8.h"

namespace pagoda {

namespace {

// Length of the valid sequence at s[0..n), or 0 if s starts an invalid one; `maximalInvalid`
// receives how many bytes form the maximal invalid subpart in that case.
size_t validSequenceAt(const unsigned char* s, size_t n, size_t& maximalInvalid, bool& truncated) {
    truncated = false;
    const unsigned char c = s[0];
    size_t length;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        length = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        length = 3;
        if (c == 0xe0) lo = 0xa0;
        if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        length = 4;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f;
    } else {
        maximalInvalid = 1;
        return 0;
    }
    size_t k = 1;
    for (; k < length && k < n; ++k) {
        const unsigned char lower = k == 1 ? lo : 0x80, upper = k == 1 ? hi : 0xbf;
        if (s[k] < lower || s[k] > upper) break;
    }
    if (k == length) return length;
    maximalInvalid = k;
    truncated = k == n;  // ran out of input while still valid so far
    return 0;
}

}  // namespace

std::optional<size_t> firstInvalidUtf8Byte(std::string_view text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    size_t i = 0;
    while (i < text.size()) {
        size_t invalid = 0;
        bool truncated = false;
        const size_t n = validSequenceAt(s + i, text.size() - i, invalid, truncated);
        if (n == 0) return i;
        i += n;
    }
    return std::nullopt;
}

void appendUtf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += char(c);
    } else if (c < 0x800) {
        out += char(0xc0 | (c >> 6));
        out += char(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        out += char(0xe0 | (c >> 12));
        out += char(0x80 | ((c >> 6) & 0x3f));
        out += char(0x80 | (c & 0x3f));
    } else {
        out += char(0xf0 | (c >> 18));
        out += char(0x80 | ((c >> 12) & 0x3f));
        out += char(0x80 | ((c >> 6) & 0x3f));
        out += char(0x80 | (c & 0x3f));
    }
}

std::u32string decodeUtf8(std::string_view text) {
    std::u32string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        const auto* s = reinterpret_cast<const unsigned char*>(text.data()) + i;
        size_t invalid = 0;
        bool truncated = false;
        const size_t n = validSequenceAt(s, text.size() - i, invalid, truncated);
        if (n == 0) {
            out += U'\uFFFD';
            i += invalid;
            continue;
        }
        char32_t cp = n == 1 ? s[0] : n == 2 ? (s[0] & 0x1f) : n == 3 ? (s[0] & 0x0f) : (s[0] & 0x07);
        for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (s[k] & 0x3f);
        out += cp;
        i += n;
    }
    return out;
}

std::string toValidUtf8Lossy(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
    size_t i = 0;
    while (i < bytes.size()) {
        size_t invalid = 0;
        bool truncated = false;
        const size_t n = validSequenceAt(s + i, bytes.size() - i, invalid, truncated);
        if (n > 0) {
            out.append(bytes.data() + i, n);
            i += n;
        } else {
            out += "\xef\xbf\xbd";
            i += invalid;
        }
    }
    return out;
}

size_t incompleteUtf8Suffix(std::string_view text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    // A sequence is at most 4 bytes, so only the last 3 bytes can start an incomplete one.
    for (size_t back = 1; back <= 3 && back <= n; ++back) {
        const size_t start = n - back;
        if ((s[start] & 0xc0) == 0x80) continue;  // continuation byte: look further back
        size_t invalid = 0;
        bool truncated = false;
        validSequenceAt(s + start, back, invalid, truncated);
        return truncated ? back : 0;
    }
    return 0;
}

}  // namespace pagoda

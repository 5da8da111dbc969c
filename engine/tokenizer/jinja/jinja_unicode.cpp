#include "engine/tokenizer/jinja/jinja_unicode.h"

#include <array>

#include "engine/tokenizer/jinja/jinja_budget.h"

namespace pagoda::jinja::unicode {

std::pair<char32_t, size_t> decodeAt(std::string_view s, size_t i) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int extra = b < 0x80 ? 0 : (b >> 5) == 0x6 ? 1 : (b >> 4) == 0xE ? 2 : (b >> 3) == 0x1E ? 3 : -1;
    if (extra < 0 || i + extra >= s.size()) return {0xFFFD, 1};
    char32_t cp = extra == 0 ? b : b & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xC0) != 0x80) return {0xFFFD, 1};
        cp = (cp << 6) | (c & 0x3F);
    }
    return {cp, static_cast<size_t>(extra) + 1};
}

std::u32string decode(std::string_view s) {
    Budget::charge(s.size());  // most string operations decode: this makes them count as work
    std::u32string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const auto [c, n] = decodeAt(s, i);
        out.push_back(c);
        i += n;
    }
    return out;
}

void append(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

std::string encode(std::u32string_view codePoints) {
    std::string out;
    out.reserve(codePoints.size());
    for (char32_t c : codePoints) append(out, c);
    return out;
}

size_t length(std::string_view s) {
    size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

bool isSpace(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool isPrintable(char32_t c) {
    if (c == 0x20) return true;
    if (isSpace(c)) return false;
    return !(c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD || (c >= 0x600 && c <= 0x605) || c == 0x61C ||
             c == 0x6DD || c == 0x70F || c == 0x180E || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
             (c >= 0x2060 && c <= 0x206F) || (c >= 0xD800 && c <= 0xF8FF) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB) ||
             c == 0xFFFE || c == 0xFFFF || (c >= 0xE0000 && c <= 0xE007F) || c >= 0xF0000);
}

bool isDigit(char32_t c) {
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19) || (c >= 0x660 && c <= 0x669) ||
           (c >= 0x6F0 && c <= 0x6F9) || (c >= 0x966 && c <= 0x96F) || c == 0xB2 || c == 0xB3 || c == 0xB9;
}

namespace {

// Upper-case letters and how they map to lower case: by a fixed offset over a range, or
// in alternating pairs (upper at even distance from `first`, its lower case right after).
struct CaseRange {
    char32_t first;
    char32_t last;
    int delta;  // 0 means alternating pairs
};

constexpr std::array kCaseRanges = {
    CaseRange{0x41, 0x5A, 32},       CaseRange{0xC0, 0xD6, 32},       CaseRange{0xD8, 0xDE, 32},
    CaseRange{0x100, 0x12E, 0},      CaseRange{0x132, 0x136, 0},      CaseRange{0x139, 0x147, 0},
    CaseRange{0x14A, 0x176, 0},      CaseRange{0x179, 0x17D, 0},      CaseRange{0x386, 0x386, 38},
    CaseRange{0x388, 0x38A, 37},     CaseRange{0x38C, 0x38C, 64},     CaseRange{0x38E, 0x38F, 63},
    CaseRange{0x391, 0x3A1, 32},     CaseRange{0x3A3, 0x3AB, 32},     CaseRange{0x3D8, 0x3EE, 0},
    CaseRange{0x400, 0x40F, 80},     CaseRange{0x410, 0x42F, 32},     CaseRange{0x460, 0x480, 0},
    CaseRange{0x48A, 0x4BE, 0},      CaseRange{0x4C1, 0x4CD, 0},      CaseRange{0x4D0, 0x52E, 0},
    CaseRange{0x531, 0x556, 48},     CaseRange{0x10A0, 0x10C5, 7264}, CaseRange{0x1E00, 0x1E94, 0},
    CaseRange{0x1EA0, 0x1EFE, 0},    CaseRange{0x2160, 0x216F, 16},   CaseRange{0x24B6, 0x24CF, 26},
    CaseRange{0x2C00, 0x2C2F, 48},   CaseRange{0xFF21, 0xFF3A, 32},
};

}  // namespace

char32_t toLower(char32_t c) {
    if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    if (c == 0x130) return 'i';
    if (c == 0x178) return 0xFF;
    if (c == 0x1E9E) return 0xDF;
    for (const CaseRange& r : kCaseRanges) {
        if (c < r.first || c > r.last) continue;
        if (r.delta != 0) return c + r.delta;
        if ((c - r.first) % 2 == 0) return c + 1;
    }
    return c;
}

char32_t toUpper(char32_t c) {
    if (c < 0x80) return (c >= 'a' && c <= 'z') ? c - 32 : c;
    switch (c) {
        case 0xB5: return 0x39C;
        case 0xFF: return 0x178;
        case 0x131: return 'I';
        case 0x17F: return 'S';
        case 0x3C2: return 0x3A3;
        default: break;
    }
    for (const CaseRange& r : kCaseRanges) {
        if (r.delta != 0) {
            const char32_t up = c - r.delta;
            if (c >= static_cast<char32_t>(r.delta) && up >= r.first && up <= r.last) return up;
        } else if (c > r.first && c <= r.last + 1 && (c - 1 - r.first) % 2 == 0) {
            return c - 1;
        }
    }
    return c;
}

bool isUpper(char32_t c) { return toLower(c) != c; }
bool isLower(char32_t c) { return toUpper(c) != c || c == 0xDF; }
bool isCased(char32_t c) { return isUpper(c) || isLower(c); }

bool isAlpha(char32_t c) {
    return isCased(c) || c == 0xAA || c == 0xBA || (c >= 0x5D0 && c <= 0x5EA) || (c >= 0x620 && c <= 0x64A) ||
           (c >= 0x904 && c <= 0x939) || (c >= 0xE01 && c <= 0xE30) || (c >= 0x3041 && c <= 0x3096) ||
           (c >= 0x30A1 && c <= 0x30FA) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

std::string upper(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char32_t c : decode(s)) {
        if (c == 0xDF) {
            out += "SS";
        } else {
            append(out, toUpper(c));
        }
    }
    return out;
}

std::string lower(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char32_t c : decode(s)) append(out, toLower(c));
    return out;
}

}  // namespace pagoda::jinja::unicode

#include "engine/structured/char_sets.h"

#include <algorithm>
#include <array>

#include <utf8proc.h>

namespace pagoda::structured {

const CodepointRanges& ecmaDigits() {
    static const CodepointRanges set{{'0', '9'}};
    return set;
}

const CodepointRanges& ecmaWordChars() {
    static const CodepointRanges set{{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
    return set;
}

const CodepointRanges& ecmaSpaces() {
    // ECMA-262 WhiteSpace (TAB VT FF SP NBSP ZWNBSP and category Zs) plus LineTerminator.
    static const CodepointRanges set{{0x09, 0x0D},     {0x20, 0x20},     {0xA0, 0xA0},     {0x1680, 0x1680},
                                     {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F},
                                     {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};
    return set;
}

const CodepointRanges& ecmaLineTerminators() {
    static const CodepointRanges set{{'\n', '\n'}, {'\r', '\r'}, {0x2028, 0x2029}};
    return set;
}

namespace {

// utf8proc's category numbering, with the short and long names Unicode gives each.
struct CategoryName {
    const char* shortName;
    const char* longName;
};
constexpr std::array<CategoryName, 30> kCategories{{
    {"Cn", "Unassigned"},
    {"Lu", "Uppercase_Letter"},
    {"Ll", "Lowercase_Letter"},
    {"Lt", "Titlecase_Letter"},
    {"Lm", "Modifier_Letter"},
    {"Lo", "Other_Letter"},
    {"Mn", "Nonspacing_Mark"},
    {"Mc", "Spacing_Mark"},
    {"Me", "Enclosing_Mark"},
    {"Nd", "Decimal_Number"},
    {"Nl", "Letter_Number"},
    {"No", "Other_Number"},
    {"Pc", "Connector_Punctuation"},
    {"Pd", "Dash_Punctuation"},
    {"Ps", "Open_Punctuation"},
    {"Pe", "Close_Punctuation"},
    {"Pi", "Initial_Punctuation"},
    {"Pf", "Final_Punctuation"},
    {"Po", "Other_Punctuation"},
    {"Sm", "Math_Symbol"},
    {"Sc", "Currency_Symbol"},
    {"Sk", "Modifier_Symbol"},
    {"So", "Other_Symbol"},
    {"Zs", "Space_Separator"},
    {"Zl", "Line_Separator"},
    {"Zp", "Paragraph_Separator"},
    {"Cc", "Control"},
    {"Cf", "Format"},
    {"Cs", "Surrogate"},
    {"Co", "Private_Use"},
}};

// Groups of categories: every category whose short name starts with the group's letter.
struct CategoryGroup {
    char letter;
    const char* longName;
};
constexpr std::array<CategoryGroup, 7> kGroups{{
    {'L', "Letter"},
    {'M', "Mark"},
    {'N', "Number"},
    {'P', "Punctuation"},
    {'S', "Symbol"},
    {'Z', "Separator"},
    {'C', "Other"},
}};

// Ranges of every category, computed once by asking utf8proc about every code point.
const std::array<CodepointRanges, 30>& categoryTable() {
    static const std::array<CodepointRanges, 30> table = [] {
        std::array<CodepointRanges, 30> t;
        for (char32_t c = 0; c <= kMaxCodepoint; ++c) {
            const auto category = size_t(utf8proc_category(utf8proc_int32_t(c)));
            if (category >= t.size()) continue;
            CodepointRanges& ranges = t[category];
            if (!ranges.empty() && ranges.back().last + 1 == c) {
                ranges.back().last = c;
            } else {
                ranges.push_back({c, c});
            }
        }
        return t;
    }();
    return table;
}

bool sameName(std::string_view a, std::string_view b) {
    // Unicode's loose matching: case, spaces, hyphens and underscores do not count.
    auto next = [](std::string_view s, size_t& i) -> int {
        while (i < s.size() && (s[i] == '_' || s[i] == '-' || s[i] == ' ')) ++i;
        if (i == s.size()) return -1;
        char c = s[i++];
        return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
    };
    size_t i = 0, j = 0;
    for (;;) {
        const int x = next(a, i), y = next(b, j);
        if (x != y) return false;
        if (x < 0) return true;
    }
}

}  // namespace

std::optional<CodepointRanges> unicodeCategory(std::string_view name) {
    // Short names are case-sensitive in ECMAScript ("Lu", not "lu"); long names match loosely.
    if (name == "Any") return normalizedRanges({{0, kMaxCodepoint}});
    if (name == "ASCII") return CodepointRanges{{0, 0x7F}};
    const auto& table = categoryTable();
    for (size_t i = 0; i < kCategories.size(); ++i) {
        if (name == kCategories[i].shortName || sameName(name, kCategories[i].longName)) return table[i];
    }
    auto unionOf = [&](auto&& member) {
        CodepointRanges ranges;
        for (size_t i = 0; i < kCategories.size(); ++i) {
            if (member(std::string_view(kCategories[i].shortName)))
                ranges.insert(ranges.end(), table[i].begin(), table[i].end());
        }
        return normalizedRanges(std::move(ranges));
    };
    if (name == "LC" || sameName(name, "Cased_Letter"))
        return unionOf([](std::string_view s) { return s == "Lu" || s == "Ll" || s == "Lt"; });
    for (const CategoryGroup& group : kGroups) {
        if (name == std::string_view(&group.letter, 1) || sameName(name, group.longName))
            return unionOf([&](std::string_view s) { return s[0] == group.letter; });
    }
    return std::nullopt;
}

char32_t decodeCodepointAt(std::string_view text, size_t& pos) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : 4;
    if (pos + length > text.size()) length = text.size() - pos;
    char32_t c = length == 1 ? lead : length == 2 ? lead & 0x1F : length == 3 ? lead & 0x0F : lead & 0x07;
    for (size_t k = 1; k < length; ++k) c = (c << 6) | (static_cast<unsigned char>(text[pos + k]) & 0x3F);
    pos += length;
    return c;
}

}  // namespace pagoda::structured

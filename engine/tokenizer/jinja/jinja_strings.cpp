#include "engine/tokenizer/jinja/jinja_strings.h"

#include <algorithm>

#include "engine/tokenizer/jinja/jinja_budget.h"
#include "engine/tokenizer/jinja/jinja_unicode.h"

namespace pagoda::jinja {

using unicode::decode;
using unicode::encode;

std::string stripString(std::string_view s, const std::optional<std::string>& chars, bool left, bool right) {
    const std::u32string text = decode(s);
    const std::u32string set = chars ? decode(*chars) : std::u32string();
    auto strip = [&](char32_t c) { return chars ? set.find(c) != std::u32string::npos : unicode::isSpace(c); };
    size_t begin = 0;
    size_t end = text.size();
    if (left) {
        while (begin < end && strip(text[begin])) ++begin;
    }
    if (right) {
        while (end > begin && strip(text[end - 1])) --end;
    }
    return encode(std::u32string_view(text).substr(begin, end - begin));
}

static std::vector<std::string> splitWhitespace(const std::u32string& text, int64_t maxsplit, bool fromRight) {
    std::vector<std::u32string> parts;
    if (!fromRight) {
        size_t i = 0;
        while (true) {
            while (i < text.size() && unicode::isSpace(text[i])) ++i;
            if (i >= text.size()) break;
            if (maxsplit >= 0 && static_cast<int64_t>(parts.size()) == maxsplit) {
                size_t end = text.size();
                parts.push_back(text.substr(i, end - i));
                break;
            }
            size_t j = i;
            while (j < text.size() && !unicode::isSpace(text[j])) ++j;
            parts.push_back(text.substr(i, j - i));
            Budget::checkItems(parts.size(), "split() result");
            i = j;
        }
    } else {
        size_t i = text.size();
        while (true) {
            while (i > 0 && unicode::isSpace(text[i - 1])) --i;
            if (i == 0) break;
            if (maxsplit >= 0 && static_cast<int64_t>(parts.size()) == maxsplit) {
                parts.push_back(text.substr(0, i));
                break;
            }
            size_t j = i;
            while (j > 0 && !unicode::isSpace(text[j - 1])) --j;
            parts.push_back(text.substr(j, i - j));
            Budget::checkItems(parts.size(), "rsplit() result");
            i = j;
        }
        std::reverse(parts.begin(), parts.end());
    }
    std::vector<std::string> out;
    for (const auto& part : parts) out.push_back(encode(part));
    return out;
}

std::vector<std::string> splitString(std::string_view s, const std::optional<std::string>& sep, int64_t maxsplit,
                                     bool fromRight) {
    if (!sep) return splitWhitespace(decode(s), maxsplit, fromRight);
    std::vector<std::string> parts;
    const std::string_view separator = *sep;  // UTF-8 byte search finds exactly the code point matches
    if (!fromRight) {
        size_t start = 0;
        while (maxsplit < 0 || static_cast<int64_t>(parts.size()) < maxsplit) {
            const size_t at = s.find(separator, start);
            if (at == std::string_view::npos) break;
            parts.emplace_back(s.substr(start, at - start));
            Budget::checkItems(parts.size(), "split() result");
            start = at + separator.size();
        }
        parts.emplace_back(s.substr(start));
        return parts;
    }
    size_t end = s.size();
    while (maxsplit < 0 || static_cast<int64_t>(parts.size()) < maxsplit) {
        if (end < separator.size()) break;
        const size_t at = s.rfind(separator, end - separator.size());
        if (at == std::string_view::npos) break;
        parts.emplace_back(s.substr(at + separator.size(), end - at - separator.size()));
        Budget::checkItems(parts.size(), "rsplit() result");
        end = at;
    }
    parts.emplace_back(s.substr(0, end));
    std::reverse(parts.begin(), parts.end());
    return parts;
}

static bool isLineBreak(char32_t c) {
    return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D || c == 0x1E || c == 0x85 ||
           c == 0x2028 || c == 0x2029;
}

std::vector<std::string> splitLines(std::string_view s, bool keepEnds) {
    const std::u32string text = decode(s);
    std::vector<std::string> lines;
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if (!isLineBreak(text[i])) continue;
        size_t breakEnd = i + 1;
        if (text[i] == '\r' && breakEnd < text.size() && text[breakEnd] == '\n') ++breakEnd;
        lines.push_back(encode(std::u32string_view(text).substr(start, (keepEnds ? breakEnd : i) - start)));
        Budget::checkItems(lines.size(), "splitlines() result");
        start = breakEnd;
        i = breakEnd - 1;
    }
    if (start < text.size()) lines.push_back(encode(std::u32string_view(text).substr(start)));
    return lines;
}

std::string replaceString(std::string_view s, std::string_view old, std::string_view replacement, int64_t count) {
    std::string out;
    if (old.empty()) {  // Python inserts the replacement around every code point
        const std::u32string text = decode(s);
        int64_t done = 0;
        for (char32_t c : text) {
            if (count < 0 || done < count) {
                Budget::checkSize(out.size() + replacement.size(), "replace() result");
                out += replacement;
                ++done;
            }
            unicode::append(out, c);
        }
        if (count < 0 || done < count) out += replacement;
        return out;
    }
    size_t start = 0;
    int64_t done = 0;
    while (count < 0 || done < count) {
        const size_t at = s.find(old, start);
        if (at == std::string_view::npos) break;
        Budget::checkSize(out.size() + (at - start) + replacement.size(), "replace() result");
        out += s.substr(start, at - start);
        out += replacement;
        start = at + old.size();
        ++done;
    }
    out += s.substr(start);
    return out;
}

int64_t findString(std::string_view s, std::string_view sub, std::optional<int64_t> start, std::optional<int64_t> end,
                   bool fromRight) {
    const std::u32string text = decode(s);
    const std::u32string needle = decode(sub);
    const int64_t n = static_cast<int64_t>(text.size());
    auto clamp = [n](int64_t i) { return i < 0 ? std::max<int64_t>(0, i + n) : std::min(i, n); };
    const int64_t from = start ? clamp(*start) : 0;
    const int64_t to = end ? clamp(*end) : n;
    if (to - from < static_cast<int64_t>(needle.size())) return -1;
    const std::u32string_view window = std::u32string_view(text).substr(from, to - from);
    const size_t at = fromRight ? window.rfind(needle) : window.find(needle);
    return at == std::u32string_view::npos ? -1 : from + static_cast<int64_t>(at);
}

int64_t countString(std::string_view s, std::string_view sub) {
    if (sub.empty()) return static_cast<int64_t>(unicode::length(s)) + 1;
    int64_t count = 0;
    for (size_t at = s.find(sub); at != std::string_view::npos; at = s.find(sub, at + sub.size())) ++count;
    return count;
}

std::string capitalizeString(std::string_view s) {
    std::string out;
    bool first = true;
    for (char32_t c : decode(s)) {
        unicode::append(out, first ? unicode::toUpper(c) : unicode::toLower(c));
        first = false;
    }
    return out;
}

std::string titleString(std::string_view s) {
    std::string out;
    bool previousCased = false;
    for (char32_t c : decode(s)) {
        if (unicode::isCased(c)) {
            unicode::append(out, previousCased ? unicode::toLower(c) : unicode::toUpper(c));
            previousCased = true;
        } else {
            unicode::append(out, c);
            previousCased = false;
        }
    }
    return out;
}

std::string titleFilter(std::string_view s) {
    std::string out;
    bool wordStart = true;
    for (char32_t c : decode(s)) {
        const bool separator = unicode::isSpace(c) || c == '-' || c == '(' || c == '{' || c == '[' || c == '<';
        if (separator) {
            unicode::append(out, c);
            wordStart = true;
        } else {
            unicode::append(out, wordStart ? unicode::toUpper(c) : unicode::toLower(c));
            wordStart = false;
        }
    }
    return out;
}

std::string centerString(std::string_view s, int64_t width) {
    const int64_t n = static_cast<int64_t>(unicode::length(s));
    if (width <= n) return std::string(s);
    Budget::checkSize(static_cast<size_t>(width), "center() result");
    const int64_t margin = width - n;
    const int64_t left = margin / 2 + (margin & width & 1);  // CPython's pad() placement
    return std::string(left, ' ') + std::string(s) + std::string(margin - left, ' ');
}

std::string htmlEscape(std::string_view s) {
    size_t size = s.size();
    for (char c : s) size += c == '&' || c == '"' || c == '\'' ? 4 : c == '<' || c == '>' ? 3 : 0;
    Budget::checkSize(size, "escape() result");
    std::string out;
    out.reserve(size);
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&#34;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace pagoda::jinja

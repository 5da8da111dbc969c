#include "engine/structured/json_string_grammar.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>

namespace pagoda::structured {
namespace {

// Code points JSON must escape inside a string.
bool mustEscape(char32_t c) { return c < 0x20 || c == '"' || c == '\\'; }

std::string escapeOf(char32_t c) {
    switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: return fmt::format("\\u{:04x}", uint32_t(c));
    }
}

std::vector<char32_t> escapedCodepoints() {
    std::vector<char32_t> result;
    for (char32_t c = 0; c < 0x20; ++c) result.push_back(c);
    result.push_back('"');
    result.push_back('\\');
    return result;
}

bool inRanges(const std::vector<CodepointRange>& ranges, char32_t c) {
    return std::any_of(ranges.begin(), ranges.end(), [c](const CodepointRange& r) { return r.first <= c && c <= r.last; });
}

// `ranges` without the code points JSON escapes.
std::vector<CodepointRange> withoutEscaped(const std::vector<CodepointRange>& ranges) {
    std::vector<CodepointRange> result;
    for (CodepointRange r : ranges) {
        char32_t from = std::max<char32_t>(r.first, 0x20);
        for (char32_t special : {char32_t('"'), char32_t('\\')}) {
            if (from <= special && special <= r.last) {
                if (from < special) result.push_back({from, char32_t(special - 1)});
                from = special + 1;
            }
        }
        if (from <= r.last) result.push_back({from, r.last});
    }
    return result;
}

Expr escapedCharClass(const Expr& raw) {
    std::vector<Expr> alternatives;
    std::vector<CodepointRange> plain;
    if (raw.negated) {
        plain = raw.ranges;
        plain.push_back({0, 0x1f});
        plain.push_back({'"', '"'});
        plain.push_back({'\\', '\\'});
        alternatives.push_back(Expr::charClass(plain, true));
        for (char32_t c : escapedCodepoints())
            if (!inRanges(raw.ranges, c)) alternatives.push_back(Expr::literal(escapeOf(c)));
    } else {
        plain = withoutEscaped(raw.ranges);
        if (!plain.empty()) alternatives.push_back(Expr::charClass(plain));
        for (char32_t c : escapedCodepoints())
            if (inRanges(raw.ranges, c)) alternatives.push_back(Expr::literal(escapeOf(c)));
    }
    return alternatives.size() == 1 ? std::move(alternatives[0]) : Expr::choice(std::move(alternatives));
}

// The characters of an undeclared key: anything but '"', '\' and controls, or a short escape.
Expr keyChar(JsonGrammarBuilder& builder) {
    return builder.shared("key-char", [] {
        return Expr::choice({Expr::charClass({{0, 0x1f}, {'"', '"'}, {'\\', '\\'}}, true),
                             simpleSequence({Expr::literal("\\"), Expr::charClass({{'"', '"'}, {'\\', '\\'}, {'b', 'b'}, {'f', 'f'}, {'n', 'n'}, {'r', 'r'}, {'t', 't'}})})});
    });
}

// One character of a key as the grammar spells it: a UTF-8 code point, or an escape.
std::vector<std::string> keyTokens(const std::string& name) {
    const std::string quoted = quotedJson(name);
    const std::string content = quoted.substr(1, quoted.size() - 2);
    std::vector<std::string> tokens;
    for (size_t i = 0; i < content.size();) {
        size_t length = 1;
        const auto lead = static_cast<unsigned char>(content[i]);
        if (lead == '\\') length = content[i + 1] == 'u' ? 6 : 2;
        else if (lead >= 0xf0) length = 4;
        else if (lead >= 0xe0) length = 3;
        else if (lead >= 0xc0) length = 2;
        tokens.push_back(content.substr(i, length));
        i += length;
    }
    return tokens;
}

char32_t decodeCodepoint(const std::string& utf8) {
    const auto b = [&](size_t i) { return char32_t(static_cast<unsigned char>(utf8[i])); };
    switch (utf8.size()) {
    case 1: return b(0);
    case 2: return ((b(0) & 0x1f) << 6) | (b(1) & 0x3f);
    case 3: return ((b(0) & 0x0f) << 12) | ((b(1) & 0x3f) << 6) | (b(2) & 0x3f);
    default: return ((b(0) & 0x07) << 18) | ((b(1) & 0x3f) << 12) | ((b(2) & 0x3f) << 6) | (b(3) & 0x3f);
    }
}

// Walks the declared keys' common prefixes: at each point a key may end (unless a declared
// key ends there), leave the tree with a character no declared key has there (then continue
// freely), or follow a declared key's next character.
Expr keysOutside(const std::vector<std::vector<std::string>>& keys, const std::vector<size_t>& group, size_t depth, const Expr& freeRest) {
    bool declaredEndsHere = false;
    std::map<std::string, std::vector<size_t>> children;
    for (size_t k : group) {
        if (keys[k].size() == depth) declaredEndsHere = true;
        else children[keys[k][depth]].push_back(k);
    }
    std::vector<Expr> alternatives;
    if (!declaredEndsHere) alternatives.push_back(Expr::literal("\""));
    std::vector<CodepointRange> taken{{0, 0x1f}, {'"', '"'}, {'\\', '\\'}};
    std::vector<CodepointRange> escapeLetters{{'"', '"'}, {'\\', '\\'}, {'b', 'b'}, {'f', 'f'}, {'n', 'n'}, {'r', 'r'}, {'t', 't'}};
    for (const auto& [token, members] : children) {
        if (token[0] == '\\') {
            std::erase_if(escapeLetters, [&](const CodepointRange& r) { return r.first == char32_t(token[1]); });
        } else {
            const char32_t c = decodeCodepoint(token);
            taken.push_back({c, c});
        }
    }
    alternatives.push_back(simpleSequence({Expr::charClass(taken, true), freeRest}));
    if (!escapeLetters.empty()) alternatives.push_back(simpleSequence({Expr::literal("\\"), Expr::charClass(escapeLetters), freeRest}));
    for (const auto& [token, members] : children) {
        if (token.size() == 6) continue;  // a \u escape, which undeclared keys never use
        alternatives.push_back(simpleSequence({Expr::literal(token), keysOutside(keys, members, depth + 1, freeRest)}));
    }
    return alternatives.size() == 1 ? std::move(alternatives[0]) : Expr::choice(std::move(alternatives));
}

}  // namespace

Expr jsonEscapedContent(const Expr& raw) {
    switch (raw.kind) {
    case Expr::Kind::Literal: {
        std::string text;
        for (char c : raw.text) text += mustEscape(char32_t(static_cast<unsigned char>(c))) ? escapeOf(char32_t(c)) : std::string(1, c);
        return Expr::literal(std::move(text));
    }
    case Expr::Kind::CharClass: return escapedCharClass(raw);
    case Expr::Kind::RuleRef: return raw;
    case Expr::Kind::Sequence:
    case Expr::Kind::Choice:
    case Expr::Kind::Repeat: {
        Expr result = raw;
        for (Expr& item : result.items) item = jsonEscapedContent(item);
        return result;
    }
    }
    return raw;
}

Expr undeclaredKey(JsonGrammarBuilder& builder, const std::vector<std::string>& declared) {
    const Expr freeRest = simpleSequence({Expr::star(keyChar(builder)), Expr::literal("\"")});
    std::vector<std::vector<std::string>> keys;
    std::vector<size_t> all;
    for (const std::string& name : declared) {
        all.push_back(keys.size());
        keys.push_back(keyTokens(name));
    }
    return simpleSequence({Expr::literal("\""), keysOutside(keys, all, 0, freeRest)});
}

namespace {

// The text positions `expr` can end at, given those it may start at.
std::set<size_t> endPositions(const Expr& expr, std::string_view text, const std::set<size_t>& starts) {
    std::set<size_t> ends;
    switch (expr.kind) {
    case Expr::Kind::Literal:
        for (size_t p : starts)
            if (text.substr(p).starts_with(expr.text)) ends.insert(p + expr.text.size());
        break;
    case Expr::Kind::CharClass:
        for (size_t p : starts) {
            if (p >= text.size()) continue;
            const auto lead = static_cast<unsigned char>(text[p]);
            const size_t length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
            if (p + length > text.size()) continue;
            if (inRanges(expr.ranges, decodeCodepoint(std::string(text.substr(p, length)))) != expr.negated) ends.insert(p + length);
        }
        break;
    case Expr::Kind::RuleRef: break;  // regular expressions have none
    case Expr::Kind::Sequence: {
        std::set<size_t> at = starts;
        for (const Expr& item : expr.items) at = endPositions(item, text, at);
        return at;
    }
    case Expr::Kind::Choice:
        for (const Expr& item : expr.items) ends.merge(endPositions(item, text, starts));
        break;
    case Expr::Kind::Repeat: {
        std::set<size_t> current = starts;
        if (expr.minRepeat == 0) ends = starts;
        for (int count = 1; !current.empty() && (expr.maxRepeat < 0 || count <= expr.maxRepeat); ++count) {
            current = endPositions(expr.items[0], text, current);
            if (count < expr.minRepeat) continue;
            std::set<size_t> fresh;
            for (size_t p : current)
                if (ends.insert(p).second) fresh.insert(p);
            current = fresh;  // a position met before, with repetitions to spare, led everywhere this one can
        }
        break;
    }
    }
    return ends;
}

int64_t times(int64_t count, int64_t n) { return (count < 0 || n < 0) ? -1 : count * n; }

}  // namespace

bool exprMatches(const Expr& expr, std::string_view text) { return endPositions(expr, text, {0}).count(text.size()) > 0; }

ExprLengths exprLengths(const Expr& expr) {
    switch (expr.kind) {
    case Expr::Kind::Literal: {
        const auto n = int64_t(std::count_if(expr.text.begin(), expr.text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
        return {n, n};
    }
    case Expr::Kind::CharClass: return {1, 1};
    case Expr::Kind::RuleRef: return {0, -1};
    case Expr::Kind::Sequence: {
        ExprLengths total{0, 0};
        for (const Expr& item : expr.items) {
            const ExprLengths part = exprLengths(item);
            total.shortest += part.shortest;
            total.longest = (total.longest < 0 || part.longest < 0) ? -1 : total.longest + part.longest;
        }
        return total;
    }
    case Expr::Kind::Choice: {
        if (expr.items.empty()) return {0, 0};
        ExprLengths range = exprLengths(expr.items[0]);
        for (const Expr& item : expr.items) {
            const ExprLengths part = exprLengths(item);
            range.shortest = std::min(range.shortest, part.shortest);
            range.longest = (range.longest < 0 || part.longest < 0) ? -1 : std::max(range.longest, part.longest);
        }
        return range;
    }
    case Expr::Kind::Repeat: {
        const ExprLengths item = exprLengths(expr.items[0]);
        const int64_t longest = expr.maxRepeat < 0 ? (item.longest == 0 ? 0 : -1) : times(expr.maxRepeat, item.longest);
        return {item.shortest * expr.minRepeat, longest};
    }
    }
    return {0, -1};
}

bool isNothing(const Expr& expr) { return expr.kind == Expr::Kind::Choice && expr.items.empty(); }

std::optional<Expr> withLengths(const Expr& expr, int64_t min, std::optional<int64_t> max) {
    const ExprLengths lengths = exprLengths(expr);
    if (min <= lengths.shortest && (!max || (lengths.longest >= 0 && lengths.longest <= *max))) return expr;
    if (expr.kind == Expr::Kind::Repeat) {
        const ExprLengths item = exprLengths(expr.items[0]);
        if (item.shortest != item.longest || item.shortest == 0) return std::nullopt;
        // k items of width w: min <= k * w <= max.
        const int64_t width = item.shortest;
        const int64_t low = std::max<int64_t>(expr.minRepeat, (std::max<int64_t>(min, 0) + width - 1) / width);
        int64_t high = max ? *max / width : -1;
        if (expr.maxRepeat >= 0) high = high < 0 ? expr.maxRepeat : std::min<int64_t>(high, expr.maxRepeat);
        if (high >= 0 && low > high) return Expr::choice({});
        if (low > INT32_MAX || high > INT32_MAX) return std::nullopt;
        return Expr::repeat(expr.items[0], int(low), int(high));
    }
    if (expr.kind == Expr::Kind::Choice) {
        // Each alternative bounded on its own; those no length fits drop out.
        Expr result = Expr::choice({});
        for (const Expr& alternative : expr.items) {
            std::optional<Expr> bounded = withLengths(alternative, min, max);
            if (!bounded) return std::nullopt;
            if (!isNothing(*bounded)) result.items.push_back(std::move(*bounded));
        }
        return result;
    }
    if (expr.kind == Expr::Kind::Sequence) {
        // One item of variable length; the others fixed, their total taken off the bounds.
        int64_t fixed = 0;
        std::optional<size_t> variable;
        for (size_t i = 0; i < expr.items.size(); ++i) {
            const ExprLengths part = exprLengths(expr.items[i]);
            if (part.shortest == part.longest) {
                fixed += part.shortest;
            } else {
                if (variable) return std::nullopt;
                variable = i;
            }
        }
        if (!variable) return Expr::choice({});  // a fixed length, and it does not fit
        std::optional<Expr> inner = withLengths(expr.items[*variable], min - fixed, max ? std::optional<int64_t>(*max - fixed) : std::nullopt);
        if (!inner || isNothing(*inner)) return inner;
        Expr result = expr;
        result.items[*variable] = std::move(*inner);
        return result;
    }
    return std::nullopt;
}

}  // namespace pagoda::structured

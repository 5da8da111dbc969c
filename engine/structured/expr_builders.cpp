#include "engine/structured/expr_builders.h"

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <utility>

#include "engine/common/utf8.h"
#include "engine/structured/char_sets.h"

namespace pagoda::structured {

namespace {

// Folding (x{m,}){n,} into x{m*n,} stops where the product would overflow; such counts fail
// compileGrammar's size limits either way.
constexpr int64_t kMaxFoldedCount = 1'000'000'000;

bool isEmpty(const Expr& e) {
    return (e.kind == Expr::Kind::Sequence && e.items.empty()) || (e.kind == Expr::Kind::Literal && e.text.empty());
}

// One code point as a class, for literals of exactly one UTF-8 character and plain classes.
bool asSingleCharClass(const Expr& e, CodepointRanges& ranges) {
    if (e.kind == Expr::Kind::CharClass && !e.negated) {
        ranges.insert(ranges.end(), e.ranges.begin(), e.ranges.end());
        return true;
    }
    // A literal may hold bytes that are not UTF-8 (GBNF keeps raw bytes); those stay literals.
    if (e.kind != Expr::Kind::Literal || e.text.empty() || e.text.size() > 4 || firstInvalidUtf8Byte(e.text))
        return false;
    size_t pos = 0;
    const char32_t c = decodeCodepointAt(e.text, pos);
    if (pos != e.text.size()) return false;
    ranges.push_back({c, c});
    return true;
}

size_t exprHash(const Expr& e) {
    size_t h = std::hash<std::string>()(e.text) ^ (size_t(e.kind) << 1) ^ (size_t(e.negated) << 5);
    auto mix = [&h](size_t v) { h = (h ^ v) * 0x100000001B3ull; };
    mix(size_t(e.minRepeat));
    mix(size_t(e.maxRepeat));
    for (const CodepointRange& r : e.ranges) mix((size_t(r.first) << 32) | r.last);
    for (const Expr& item : e.items) mix(exprHash(item));
    return h;
}

}  // namespace

Expr simpleSequence(std::vector<Expr> items) {
    std::vector<Expr> flat;
    for (Expr& item : items) {
        if (isEmpty(item)) continue;
        if (item.kind == Expr::Kind::Sequence) {
            for (Expr& inner : item.items) flat.push_back(std::move(inner));
        } else if (item.kind == Expr::Kind::Literal && !flat.empty() && flat.back().kind == Expr::Kind::Literal) {
            flat.back().text += item.text;
        } else if (item.kind == Expr::Kind::Repeat && item.minRepeat == 0 && item.maxRepeat < 0 && !flat.empty() &&
                   sameExpr(flat.back(), item)) {
            continue;  // x* x* is x*
        } else {
            flat.push_back(std::move(item));
        }
    }
    if (flat.size() == 1) return std::move(flat[0]);
    return Expr::sequence(std::move(flat));
}

Expr simpleChoice(std::vector<Expr> alternatives) {
    std::vector<Expr> flat;
    for (Expr& alternative : alternatives) {
        if (alternative.kind == Expr::Kind::Choice) {
            for (Expr& inner : alternative.items) flat.push_back(std::move(inner));
        } else {
            flat.push_back(std::move(alternative));
        }
    }
    // Single characters become one class: (a|b|[0-9]) is [ab0-9], and (a|a) is [a].
    std::vector<Expr> kept;
    CodepointRanges merged;
    size_t classAt = SIZE_MAX;
    std::unordered_multimap<size_t, size_t> seen;  // hash → index in kept
    for (Expr& alternative : flat) {
        if (asSingleCharClass(alternative, merged)) {
            if (classAt == SIZE_MAX) {
                classAt = kept.size();
                kept.push_back(Expr::empty());
            }
            continue;
        }
        // Hashing keeps this linear: a GBNF rule or a regex may list thousands of alternatives.
        const size_t hash = exprHash(alternative);
        bool duplicate = false;
        for (auto [it, end] = seen.equal_range(hash); it != end && !duplicate; ++it)
            duplicate = sameExpr(kept[it->second], alternative);
        if (duplicate) continue;
        seen.emplace(hash, kept.size());
        kept.push_back(std::move(alternative));
    }
    if (classAt != SIZE_MAX) {
        merged = normalizedRanges(std::move(merged));
        if (merged.size() == 1 && merged[0].first == merged[0].last) {
            std::string text;
            appendUtf8(text, merged[0].first);
            kept[classAt] = Expr::literal(std::move(text));
        } else {
            kept[classAt] = Expr::charClass(std::move(merged));
        }
    }
    if (kept.size() == 1) return std::move(kept[0]);
    return Expr::choice(std::move(kept));
}

Expr simpleRepeat(Expr item, int minRepeat, int maxRepeat) {
    if (maxRepeat == 0 || isEmpty(item)) return Expr::empty();
    if (minRepeat == 1 && maxRepeat == 1) return item;
    if (item.kind == Expr::Kind::Repeat) {
        const int innerMin = item.minRepeat, innerMax = item.maxRepeat;
        // (x{m,}){n,M} with n >= 1 is x{m*n,}: n runs of at least m each make any count >= m*n.
        if (innerMax < 0 && minRepeat >= 1 && int64_t(innerMin) * minRepeat <= kMaxFoldedCount)
            return simpleRepeat(std::move(item.items[0]), innerMin * minRepeat, -1);
        if (innerMax < 0 && innerMin <= 1) return simpleRepeat(std::move(item.items[0]), 0, -1);
        // (x{0,M})* is x*, and (x{1,M}){n,} is x{n,}: runs of 1..M copies reach every count.
        if (maxRepeat < 0 && innerMax > 0 && innerMin <= 1)
            return simpleRepeat(std::move(item.items[0]), innerMin == 0 ? 0 : minRepeat, -1);
    }
    return Expr::repeat(std::move(item), minRepeat, maxRepeat);
}

bool sameExpr(const Expr& a, const Expr& b) {
    if (a.kind != b.kind || a.text != b.text || a.negated != b.negated || a.minRepeat != b.minRepeat ||
        a.maxRepeat != b.maxRepeat || a.ranges.size() != b.ranges.size() || a.items.size() != b.items.size())
        return false;
    for (size_t i = 0; i < a.ranges.size(); ++i) {
        if (a.ranges[i].first != b.ranges[i].first || a.ranges[i].last != b.ranges[i].last) return false;
    }
    for (size_t i = 0; i < a.items.size(); ++i) {
        if (!sameExpr(a.items[i], b.items[i])) return false;
    }
    return true;
}

}  // namespace pagoda::structured

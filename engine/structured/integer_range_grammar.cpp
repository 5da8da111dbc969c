#include "engine/structured/integer_range_grammar.h"

#include <algorithm>
#include <array>
#include <vector>

namespace pagoda::structured {
namespace {

constexpr size_t kMaxDigits = 400;  // bounds beyond 10^400 are refused rather than spelled out

bool isDigit(char c) { return c >= '0' && c <= '9'; }

Expr digits(char first, char last) { return Expr::charClass({{char32_t(first), char32_t(last)}}); }
Expr anyDigit() { return digits('0', '9'); }
Expr literal(std::string text) { return Expr::literal(std::move(text)); }

Expr sequence(std::vector<Expr> items) {
    std::erase_if(items, [](const Expr& e) { return e.kind == Expr::Kind::Sequence && e.items.empty(); });
    return items.size() == 1 ? std::move(items[0]) : Expr::sequence(std::move(items));
}

std::optional<Expr> simpleChoice(std::vector<Expr> alternatives) {
    if (alternatives.empty()) return std::nullopt;
    if (alternatives.size() == 1) return std::move(alternatives[0]);
    return Expr::choice(std::move(alternatives));
}

// Digit strings without leading zeros: +1 and -1 (the latter only of a positive number).
std::string increment(std::string n) {
    size_t i = n.size();
    while (i > 0 && n[i - 1] == '9') n[--i] = '0';
    if (i == 0) return "1" + n;
    ++n[i - 1];
    return n;
}

std::string decrement(std::string n) {
    size_t i = n.size();
    while (i > 0 && n[i - 1] == '0') n[--i] = '9';
    --n[i - 1];
    if (n.size() > 1 && n[0] == '0') n.erase(0, 1);
    return n;
}

int compareUnsigned(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

int compareMagnitude(const Decimal& a, const Decimal& b) {
    if (int c = compareUnsigned(a.intDigits, b.intDigits)) return c;
    // Fractions without trailing zeros compare as strings: a missing digit is a smaller 0.
    int c = a.fracDigits.compare(b.fracDigits);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

Decimal signedInteger(bool negative, std::string magnitude) {
    Decimal d;
    d.negative = negative && magnitude != "0";
    d.intDigits = std::move(magnitude);
    return d;
}

Decimal plusOne(const Decimal& n) {  // n an integer
    return n.negative ? signedInteger(true, decrement(n.intDigits)) : signedInteger(false, increment(n.intDigits));
}

Decimal minusOne(const Decimal& n) {
    return (n.negative || n.intDigits == "0") ? signedInteger(true, n.negative ? increment(n.intDigits) : "1")
                                                : signedInteger(false, decrement(n.intDigits));
}

// Equal-length digit strings a <= b: every string between them, one choice per differing
// leading digit (the classic range-to-regex split).
Expr sameLengthRange(const std::string& a, const std::string& b) {
    if (a.empty()) return Expr::empty();
    if (a[0] == b[0]) return sequence({literal(a.substr(0, 1)), sameLengthRange(a.substr(1), b.substr(1))});
    const std::string restA = a.substr(1), restB = b.substr(1);
    const bool aIsLowest = std::all_of(restA.begin(), restA.end(), [](char c) { return c == '0'; });
    const bool bIsHighest = std::all_of(restB.begin(), restB.end(), [](char c) { return c == '9'; });
    const char middleFirst = aIsLowest ? a[0] : char(a[0] + 1);
    const char middleLast = bIsHighest ? b[0] : char(b[0] - 1);
    const int rest = int(restA.size());
    std::vector<Expr> alternatives;
    if (!aIsLowest) alternatives.push_back(sequence({literal(a.substr(0, 1)), sameLengthRange(restA, std::string(restA.size(), '9'))}));
    if (middleFirst <= middleLast)
        alternatives.push_back(sequence({digits(middleFirst, middleLast), rest > 0 ? Expr::repeat(anyDigit(), rest, rest) : Expr::empty()}));
    if (!bIsHighest) alternatives.push_back(sequence({literal(b.substr(0, 1)), sameLengthRange(std::string(restB.size(), '0'), restB)}));
    return *simpleChoice(std::move(alternatives));
}

// Canonical unsigned integers in [low, high] (high absent: unbounded), low <= high.
Expr unsignedRange(const std::string& low, const std::optional<std::string>& high) {
    std::vector<Expr> alternatives;
    const size_t lowLength = low.size();
    const bool highSameLength = high && high->size() == lowLength;
    alternatives.push_back(sameLengthRange(low, highSameLength ? *high : std::string(lowLength, '9')));
    if (high && high->size() > lowLength) {
        if (high->size() - lowLength >= 2)
            alternatives.push_back(sequence({digits('1', '9'), Expr::repeat(anyDigit(), int(lowLength), int(high->size()) - 2)}));
        std::string lowest(high->size(), '0');
        lowest[0] = '1';
        alternatives.push_back(sameLengthRange(lowest, *high));
    } else if (!high) {
        alternatives.push_back(sequence({digits('1', '9'), Expr::repeat(anyDigit(), int(lowLength), -1)}));
    }
    return *simpleChoice(std::move(alternatives));
}

// Bounds on the value 0.D of a fraction's digits D. Empty digits with exclusive = "above zero".
struct FractionBound {
    std::string digits;
    bool exclusive = false;
    bool operator==(const FractionBound&) const = default;
};
using OptionalBound = std::optional<FractionBound>;

// `limit`: the most digits still allowed (< 0: any number), for "multipleOf": 0.01.
std::optional<Expr> fractionDigits(const OptionalBound& lowBound, const OptionalBound& high, int limit);

// One more digit, then whatever the bounds leave for the rest: digits that lead to the same
// remaining bounds share one character class.
std::optional<Expr> nextDigit(const OptionalBound& low, const OptionalBound& high, int limit) {
    if (limit == 0) return std::nullopt;
    struct Next {
        bool possible = true;
        OptionalBound low, high;
        bool operator==(const Next&) const = default;
    };
    std::array<Next, 10> next;
    for (int d = 0; d < 10; ++d) {
        const char digit = char('0' + d);
        if (low) {
            const char bound = low->digits.empty() ? '0' : low->digits[0];
            if (digit < bound) next[d].possible = false;
            else if (digit == bound) next[d].low = FractionBound{low->digits.empty() ? "" : low->digits.substr(1), low->exclusive};
        }
        if (high) {
            const char bound = high->digits.empty() ? '0' : high->digits[0];
            if (digit > bound) next[d].possible = false;
            else if (digit == bound) next[d].high = FractionBound{high->digits.empty() ? "" : high->digits.substr(1), high->exclusive};
        }
    }
    std::vector<Expr> alternatives;
    for (int first = 0, last = 0; first < 10; first = last + 1) {
        for (last = first; last + 1 < 10 && next[last + 1] == next[first];) ++last;
        if (!next[first].possible) continue;
        if (auto rest = fractionDigits(next[first].low, next[first].high, limit < 0 ? -1 : limit - 1))
            alternatives.push_back(sequence({digits(char('0' + first), char('0' + last)), std::move(*rest)}));
    }
    return simpleChoice(std::move(alternatives));
}

bool zeroAllowed(const OptionalBound& low, const OptionalBound& high) {
    return (!low || (low->digits.empty() && !low->exclusive)) && (!high || !(high->digits.empty() && high->exclusive));
}

// Digit strings (possibly empty) whose value 0.D lies within the bounds.
std::optional<Expr> fractionDigits(const OptionalBound& lowBound, const OptionalBound& high, int limit) {
    // "At least 0" is no bound.
    const OptionalBound low = (lowBound && lowBound->digits.empty() && !lowBound->exclusive) ? std::nullopt : lowBound;
    const bool lowIsZero = low && low->digits.empty(), highIsZero = high && high->digits.empty();
    if (!low && !high) return Expr::repeat(anyDigit(), 0, limit);
    if (highIsZero && (low || high->exclusive)) return std::nullopt;
    if (highIsZero) return Expr::repeat(literal("0"), 0, limit);
    if (lowIsZero && !high && limit < 0) return sequence({Expr::star(literal("0")), digits('1', '9'), Expr::star(anyDigit())});
    // (With a limit the general step below terminates too: each digit spends one.)
    std::vector<Expr> alternatives;
    if (zeroAllowed(low, high)) alternatives.push_back(Expr::empty());
    if (auto more = nextDigit(low, high, limit)) alternatives.push_back(std::move(*more));
    return simpleChoice(std::move(alternatives));
}

// An optional "." and digits: the fraction of a number whose integer part is already fixed.
std::optional<Expr> fraction(OptionalBound low, OptionalBound high, int limit) {
    if (low && low->digits.empty() && !low->exclusive) low.reset();
    std::vector<Expr> alternatives;
    if (zeroAllowed(low, high)) alternatives.push_back(Expr::empty());
    if (auto digitsPart = nextDigit(low, high, limit)) alternatives.push_back(sequence({literal("."), std::move(*digitsPart)}));
    return simpleChoice(std::move(alternatives));
}

// Non-negative numbers m with low <= m (or <) and m <= high (or <), low <= high.
std::optional<Expr> magnitudeRange(const NumberBound& low, const std::optional<NumberBound>& high, int limit) {
    const FractionBound fractionLow{low.value.fracDigits, low.exclusive};
    std::vector<Expr> alternatives;
    auto add = [&](Expr integerPart, std::optional<Expr> fractionPart) {
        if (fractionPart) alternatives.push_back(sequence({std::move(integerPart), std::move(*fractionPart)}));
    };
    if (high && high->value.intDigits == low.value.intDigits) {
        add(literal(low.value.intDigits), fraction(fractionLow, FractionBound{high->value.fracDigits, high->exclusive}, limit));
        return simpleChoice(std::move(alternatives));
    }
    add(literal(low.value.intDigits), fraction(fractionLow, std::nullopt, limit));
    const std::string middleLow = increment(low.value.intDigits);
    std::optional<std::string> middleHigh;
    if (high) middleHigh = decrement(high->value.intDigits);
    if (!middleHigh || compareUnsigned(middleLow, *middleHigh) <= 0) add(unsignedRange(middleLow, middleHigh), fraction(std::nullopt, std::nullopt, limit));
    if (high) add(literal(high->value.intDigits), fraction(std::nullopt, FractionBound{high->value.fracDigits, high->exclusive}, limit));
    return simpleChoice(std::move(alternatives));
}

Decimal absolute(Decimal d) {
    d.negative = false;
    return d;
}

}  // namespace

std::optional<Decimal> parseDecimal(std::string_view text) {
    size_t i = 0;
    Decimal result;
    const bool negative = i < text.size() && text[i] == '-';
    if (negative) ++i;
    std::string mantissa;
    size_t integerCount = 0;
    while (i < text.size() && isDigit(text[i])) mantissa += text[i++], ++integerCount;
    if (integerCount == 0) return std::nullopt;
    if (i < text.size() && text[i] == '.') {
        const size_t start = ++i;
        while (i < text.size() && isDigit(text[i])) mantissa += text[i++];
        if (i == start) return std::nullopt;
    }
    long exponent = 0;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool exponentNegative = false;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) exponentNegative = text[i++] == '-';
        const size_t start = i;
        while (i < text.size() && isDigit(text[i])) {
            exponent = exponent * 10 + (text[i++] - '0');
            if (exponent > 100'000) return std::nullopt;
        }
        if (i == start) return std::nullopt;
        if (exponentNegative) exponent = -exponent;
    }
    if (i != text.size()) return std::nullopt;
    // Where the decimal point falls in the mantissa's digits.
    const long point = long(integerCount) + exponent;
    if (point > long(kMaxDigits) || point < -long(kMaxDigits)) return std::nullopt;
    if (point <= 0) {
        result.intDigits = "0";
        result.fracDigits = std::string(size_t(-point), '0') + mantissa;
    } else if (size_t(point) >= mantissa.size()) {
        result.intDigits = mantissa + std::string(size_t(point) - mantissa.size(), '0');
    } else {
        result.intDigits = mantissa.substr(0, size_t(point));
        result.fracDigits = mantissa.substr(size_t(point));
    }
    const size_t firstNonZero = result.intDigits.find_first_not_of('0');
    result.intDigits = firstNonZero == std::string::npos ? "0" : result.intDigits.substr(firstNonZero);
    while (!result.fracDigits.empty() && result.fracDigits.back() == '0') result.fracDigits.pop_back();
    if (result.intDigits.size() > kMaxDigits || result.fracDigits.size() > kMaxDigits) return std::nullopt;
    result.negative = negative && !(result.intDigits == "0" && result.fracDigits.empty());
    return result;
}

int compareDecimal(const Decimal& a, const Decimal& b) {
    if (a.negative != b.negative) return a.negative ? -1 : 1;
    const int c = compareMagnitude(a, b);
    return a.negative ? -c : c;
}

Decimal ceilDecimal(const Decimal& value) {
    if (value.isInteger()) return value;
    return value.negative ? signedInteger(true, value.intDigits) : signedInteger(false, increment(value.intDigits));
}

Decimal floorDecimal(const Decimal& value) {
    if (value.isInteger()) return value;
    return value.negative ? signedInteger(true, increment(value.intDigits)) : signedInteger(false, value.intDigits);
}

Decimal integerAbove(const Decimal& value) { return value.isInteger() ? plusOne(value) : ceilDecimal(value); }
Decimal integerBelow(const Decimal& value) { return value.isInteger() ? minusOne(value) : floorDecimal(value); }

std::optional<Expr> integerRangeExpr(const std::optional<Decimal>& low, const std::optional<Decimal>& high) {
    if (low && high && compareDecimal(*low, *high) > 0) return std::nullopt;
    std::vector<Expr> alternatives;
    if (!high || !high->negative) {
        const std::string from = (low && !low->negative) ? low->intDigits : "0";
        alternatives.push_back(unsignedRange(from, high ? std::optional(high->intDigits) : std::nullopt));
    }
    if (!low || low->negative) {
        const std::string from = (high && high->negative) ? high->intDigits : "1";
        alternatives.push_back(sequence({literal("-"), unsignedRange(from, low ? std::optional(low->intDigits) : std::nullopt)}));
    }
    return simpleChoice(std::move(alternatives));
}

std::optional<Expr> numberRangeExpr(const std::optional<NumberBound>& low, const std::optional<NumberBound>& high, int maxFractionDigits) {
    if (low && high) {
        const int c = compareDecimal(low->value, high->value);
        if (c > 0 || (c == 0 && (low->exclusive || high->exclusive))) return std::nullopt;
    }
    std::vector<Expr> alternatives;
    if (!high || !high->value.negative) {
        const NumberBound from = (low && !low->value.negative) ? *low : NumberBound{};
        if (auto m = magnitudeRange(from, high, maxFractionDigits)) alternatives.push_back(std::move(*m));
    }
    if (!low || low->value.negative) {
        // Negative numbers are "-" and a magnitude above zero ("-0" is left to the non-negative side).
        const NumberBound from = (high && high->value.negative) ? NumberBound{absolute(high->value), high->exclusive}
                                                                 : NumberBound{Decimal{}, true};
        std::optional<NumberBound> to;
        if (low) to = NumberBound{absolute(low->value), low->exclusive};
        if (auto m = magnitudeRange(from, to, maxFractionDigits)) alternatives.push_back(sequence({literal("-"), std::move(*m)}));
    }
    return simpleChoice(std::move(alternatives));
}

}  // namespace pagoda::structured

// Grammars for JSON numbers between bounds, digit by digit, so "minimum": 18 or
// "exclusiveMaximum": 0.5 is enforced exactly while the number is written rather than
// checked afterwards. Bounds are decimal strings, never doubles, so 9007199254740993 and
// 0.1 stay exact.
#pragma once

#include <optional>
#include <string>

#include "engine/structured/grammar.h"

namespace pagoda::structured {

// A finite decimal: digits without leading zeros ("0" for zero) and a fraction without
// trailing zeros. Zero is never negative.
struct Decimal {
    bool negative = false;
    std::string intDigits = "0";
    std::string fracDigits;

    bool isInteger() const { return fracDigits.empty(); }
};

// Parses "-12.50", "1e-5", "3E+2"; nullopt for anything else (or more than 400 digits).
std::optional<Decimal> parseDecimal(std::string_view text);
int compareDecimal(const Decimal& a, const Decimal& b);  // <0, 0, >0

// The smallest integer >= value, and the smallest integer > value.
Decimal ceilDecimal(const Decimal& value);
Decimal integerAbove(const Decimal& value);
// The largest integer <= value, and the largest integer < value.
Decimal floorDecimal(const Decimal& value);
Decimal integerBelow(const Decimal& value);

struct NumberBound {
    Decimal value;
    bool exclusive = false;
};

// JSON integers (no fraction, no exponent, no "-0") in [low, high]; an absent bound is
// unbounded. Integer bounds only (round them with ceil/floor first); nullopt when empty.
std::optional<Expr> integerRangeExpr(const std::optional<Decimal>& low, const std::optional<Decimal>& high);

// JSON numbers in the range, written without an exponent (an exponent would make the digits'
// value depend on what follows them) and with at most `maxFractionDigits` digits after the
// point when that is >= 0 ("multipleOf": 0.01). nullopt when the range is empty.
std::optional<Expr> numberRangeExpr(const std::optional<NumberBound>& low, const std::optional<NumberBound>& high, int maxFractionDigits = -1);

}  // namespace pagoda::structured

// String pieces of the JSON Schema converter: a regular expression's language written as JSON
// string content (quotes and control characters escaped), and object keys other than the
// ones a schema declares. Internal to the converter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/structured/grammar.h"
#include "engine/structured/json_grammar_builder.h"

namespace pagoda::structured {

// `raw` matches text; the result matches that text as it appears inside a JSON string, with
// '"', '\' and control characters in their shortest escapes.
Expr jsonEscapedContent(const Expr& raw);

// A whole JSON string (quotes included) for an object key that is none of `declared`. Such
// keys are written with plain characters and the two-character escapes only, so no other
// spelling ("\u0061" for "a") can smuggle in a declared key.
Expr undeclaredKey(JsonGrammarBuilder& builder, const std::vector<std::string>& declared);

// Whether `expr` (no rule references: a regular expression's) matches all of `text` (UTF-8):
// to check a property name or an enum value against a pattern.
bool exprMatches(const Expr& expr, std::string_view text);

// The fewest and most code points `expr` matches (most < 0: unbounded), so a minLength or
// maxLength next to a pattern can be checked against it.
struct ExprLengths {
    int64_t shortest = 0;
    int64_t longest = 0;
};
ExprLengths exprLengths(const Expr& expr);

// `expr` limited to matches of min..max code points, where that is exact: the lengths already
// fit, or one repetition of a fixed-width item (among fixed-width neighbours, in each
// alternative of a choice) can absorb the bounds. nullopt otherwise; an empty choice (isNothing) when no length fits.
std::optional<Expr> withLengths(const Expr& expr, int64_t min, std::optional<int64_t> max);
bool isNothing(const Expr& expr);

}  // namespace pagoda::structured

// String pieces of the JSON Schema converter: a regular expression's language written as JSON
// string content (quotes and control characters escaped), and object keys other than the
// ones a schema declares. Internal to the converter.
#pragma once

#include <string>
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

}  // namespace pagoda::structured

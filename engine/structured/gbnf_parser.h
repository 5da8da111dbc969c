// llama.cpp's GBNF grammar text as a Grammar: `name ::= body` rules, "..." literals, [...]
// classes, `.`, groups, |, the quantifiers * + ? {m} {m,} {m,n} and # comments; the root rule
// is `root`. Errors say line:column (columns count characters) and what was expected.
#pragma once

#include <string_view>

#include "engine/common/result.h"
#include "engine/structured/grammar.h"

namespace pagoda::structured {

// Repetition counts above this are an error, as in regexToExpr.
constexpr int kMaxGbnfRepeat = 10000;

// As llama.cpp reads it: a newline ends a rule except inside ( ) or after '|' or '::='; a
// continuation line that starts with '|' is accepted too. Escapes \xHH \uHHHH \UHHHHHHHH name
// code points (written as UTF-8). A rule defined twice, a rule used but never defined and a
// missing root are errors.
Result<Grammar> parseGbnf(std::string_view text);

}  // namespace pagoda::structured

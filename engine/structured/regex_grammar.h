// Regular expressions as grammar expressions: the ECMAScript/Python subset that JSON Schema
// `pattern`s and vLLM's guided_regex use. Constructs that a context-free grammar cannot honour
// (backreferences, lookaround, \b, anchors in the middle, inline flags) are errors that name
// the construct and its offset, never silently approximated.
#pragma once

#include <string_view>

#include "engine/common/result.h"
#include "engine/structured/grammar.h"

namespace pagoda::structured {

enum class RegexMatch {
    Whole,   // the output is exactly one match (vLLM's guided_regex); ^ and $ change nothing
    Search,  // JSON Schema `pattern` (ECMA-262 search): the match may sit anywhere unless ^/$ pin it
};

// Repetition counts above this are an error, so one {n} cannot ask for unbounded work.
constexpr int kMaxRegexRepeat = 10000;

// The expression the pattern (UTF-8) describes, over code points. Classes mean what
// ECMAScript says: \d is [0-9], \w is [A-Za-z0-9_], \s includes the Unicode spaces, `.` is
// any character but \n \r U+2028 U+2029; \p{..} takes general categories (L, Lu, Letter...).
// Lazy quantifiers match the same strings as greedy ones; Python's \A and \Z anchor as ^
// and $. Errors start with "regex: " and give byte offsets into the pattern. Repetition
// stays as Repeat nodes (compileGrammar expands them), so nested quantifiers cost nothing.
Result<Expr> regexToExpr(std::string_view pattern, RegexMatch match = RegexMatch::Whole);

}  // namespace pagoda::structured

// Checking grammars against strings, for the front-end suites: every string goes through the
// engine (compileGrammar + TokenGrammar over a one-byte-per-token vocabulary) and through a
// direct reading of the AST, so a front-end bug cannot hide behind a compiler bug.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/structured/grammar.h"
#include "engine/structured/regex_grammar.h"
#include "engine/structured/token_vocabulary.h"

namespace pagoda::structured::testing {

using Strings = std::vector<std::string>;

Grammar grammarOf(Expr root);                  // one rule, "root"
std::string printable(std::string_view text);  // control bytes as \xHH, for messages

// Whether `text` as a whole matches the grammar's root, read off the AST (a left-recursive
// call matches nothing here).
bool astAccepts(const Grammar& grammar, std::string_view text);

// 256 tokens, token id b = the byte b.
std::shared_ptr<const TokenVocabulary> byteVocabulary();

// Empty when the engine and the AST reading both accept every string in `accepted` and reject
// every one in `rejected`; otherwise one line per disagreement.
std::string verdicts(const Grammar& grammar, const Strings& accepted, const Strings& rejected);
std::string regexVerdicts(std::string_view pattern, RegexMatch match, const Strings& accepted, const Strings& rejected);
std::string gbnfVerdicts(std::string_view text, const Strings& accepted, const Strings& rejected);

}  // namespace pagoda::structured::testing

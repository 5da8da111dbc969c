// Building expressions the front ends produce, already in their simplest equivalent shape:
// one-item sequences and choices unwrapped, adjacent literals joined, duplicate alternatives
// dropped and nested repeats folded where the language stays the same. Smaller trees compile
// to fewer rules, and folding (a+)+ into a+ keeps the matcher from tracking every way to
// split a run of a's.
#pragma once

#include <vector>

#include "engine/structured/grammar.h"

namespace pagoda::structured {

Expr simpleSequence(std::vector<Expr> items);
Expr simpleChoice(std::vector<Expr> alternatives);
Expr simpleRepeat(Expr item, int minRepeat, int maxRepeat);

bool sameExpr(const Expr& a, const Expr& b);

}  // namespace pagoda::structured
